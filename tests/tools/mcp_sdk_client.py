"""Drives `rocketgen mcp` with the official Python MCP SDK (PyPI `mcp`, pinned in
requirements.txt) and prints what it saw as one JSON object; tests/tests/mcp_sdk.rs asserts on it.

    python mcp_sdk_client.py ARGUMENTS.json SPEC stdio COMMAND [ARG...]
    python mcp_sdk_client.py ARGUMENTS.json SPEC http URL
    python mcp_sdk_client.py - - search COMMAND [ARG...]

ARGUMENTS.json maps each tool name to the arguments of one call. Every listed tool with
arguments is called; the SDK itself checks each answer's structured content against the
tool's output schema (and raises when it does not conform). `search` drives the search mode.
"""

import asyncio
import json
import sys

from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError


def text_of(result):
    return " ".join(block.text for block in result.content if getattr(block, "text", None))


async def operations(session, arguments, spec):
    """Lists the tools, calls every one that has arguments, and the control tools."""
    report = {}
    initialized = await session.initialize()
    report["server"] = initialized.server_info.name
    listed = (await session.list_tools()).tools
    report["tools"] = sorted(tool.name for tool in listed)
    report["without_output_schema"] = sorted(tool.name for tool in listed if tool.output_schema is None)
    report["called"] = 0
    report["failures"] = []
    for name, args in arguments.items():
        try:
            result = await session.call_tool(name, args)
        except Exception as error:  # the SDK's own check of the structured content, among others
            report["failures"].append(f"{name}: {type(error).__name__}: {error}")
            continue
        if result.is_error:
            report["failures"].append(f"{name}: an error result: {text_of(result)}")
        elif not isinstance(result.structured_content, dict) or "status" not in result.structured_content:
            report["failures"].append(f"{name}: no {{status, body}} structured content")
        else:
            report["called"] += 1
    missing = await session.call_tool("content.getItem", {})
    report["missing_argument"] = {"is_error": missing.is_error, "text": text_of(missing)}
    try:
        await session.call_tool("content.noSuchTool", {})
        report["unknown_tool"] = None
    except MCPError as error:
        report["unknown_tool"] = {"code": error.code, "message": error.error.message}
    preview = await session.call_tool("openapi.previewSpec", {"spec": spec})
    content = preview.structured_content or {}
    report["preview"] = {
        "is_error": preview.is_error,
        "title": content.get("title"),
        "operationCount": content.get("operationCount"),
        "securitySchemes": sorted(s.get("name") for s in content.get("securitySchemes", [])),
    }
    return report


async def search_mode(session):
    """The search mode's three tools, and an operation called through `call`."""
    report = {}
    await session.initialize()
    report["tools"] = sorted(tool.name for tool in (await session.list_tools()).tools)
    found = await session.call_tool("search", {"query": "get a single item by id", "limit": 3})
    report["search"] = [tool["name"] for tool in (found.structured_content or {}).get("tools", [])]
    described = await session.call_tool("describe", {"names": ["content.getItem"]})
    tool = ((described.structured_content or {}).get("tools") or [{}])[0]
    report["describe"] = {"name": tool.get("name"), "has_input": "inputSchema" in tool, "has_output": "outputSchema" in tool}
    called = await session.call_tool("call", {"name": "content.getItem", "arguments": {}})
    report["call_missing_argument"] = {"is_error": called.is_error, "text": text_of(called)}
    unknown = await session.call_tool("describe", {"names": ["content.noSuchTool"]})
    report["describe_unknown"] = {"is_error": unknown.is_error, "text": text_of(unknown)}
    return report


async def main(argv):
    arguments_file, spec, transport, *target = argv
    arguments = json.load(open(arguments_file)) if arguments_file != "-" else {}
    if transport == "http":
        async with streamable_http_client(target[0]) as (read, write):
            async with ClientSession(read, write) as session:
                report = await operations(session, arguments, spec)
    else:
        server = StdioServerParameters(command=target[0], args=target[1:])
        async with stdio_client(server) as (read, write):
            async with ClientSession(read, write) as session:
                report = await (search_mode(session) if transport == "search" else operations(session, arguments, spec))
    print(json.dumps(report))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
