"""Size of `rocketgen mcp`'s tools/list answer in both tool modes, for Rocket and for GitHub
(tests/corpus, added at run time beside the typemodel fixture), over stdio JSON-RPC.

    python3 tests/tools/mcp-sizes.py target/release/rocketgen . tests/corpus/github.com.json

Tokens are approximated as bytes / 4. Standard library only.
"""
import json, subprocess, sys, os
binary, root, github = sys.argv[1], sys.argv[2], sys.argv[3]
def session(args):
    p = subprocess.Popen([binary, "mcp", "--root", root] + args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    n = [0]
    def rpc(method, params):
        n[0] += 1
        p.stdin.write((json.dumps({"jsonrpc": "2.0", "id": n[0], "method": method, "params": params}) + "\n").encode()); p.stdin.flush()
        while True:
            line = p.stdout.readline()
            msg = json.loads(line)
            if msg.get("id") == n[0]:
                return line
    rpc("initialize", {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "sizes", "version": "1"}})
    p.stdin.write(b'{"jsonrpc":"2.0","method":"notifications/initialized"}\n'); p.stdin.flush()
    return p, rpc
for mode in ["all", "search"]:
    p, rpc = session(["--source", "rocket", "--tools", mode])
    line = rpc("tools/list", {})
    print(f"rocket {mode}: {len(json.loads(line)['result']['tools'])} tools, {len(line)} bytes, ~{len(line)//4} tokens")
    p.kill()
    p, rpc = session(["--tools", mode, "--source", "typemodel"])
    rpc("tools/call", {"name": "openapi.addSource", "arguments": {"spec": github, "name": "github"}})
    line = rpc("tools/list", {})
    tools = json.loads(line)['result']['tools']
    print(f"github+typemodel {mode}: {len(tools)} tools, {len(line)} bytes, ~{len(line)//4} tokens")
    p.kill()
