-- wrk script for the JSON POST of the HTTP benchmark (POST /api/authorization).
wrk.method = "POST"
wrk.body = '{"email":"user@example.com","password":"secret","scopes":["Catalog"]}'
wrk.headers["Content-Type"] = "application/json"
