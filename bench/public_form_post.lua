-- wrk script: POST the public request form (bench/public_form.sh). The CSRF token is fetched
-- once by the shell script (env CSRF) and sent as cookie and form field; every request uses a
-- fresh e-mail address, so per-address limits and deduplication never interfere. Raise the
-- per-IP limit for the run (DSAR_RATE_LIMIT_SUBMIT_PER_IP).
local token = os.getenv("CSRF")
local counter = 0
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Cookie"] = "csrftoken=" .. token
end

function request()
  counter = counter + 1
  local body = "csrfmiddlewaretoken=" .. token
    .. "&request_type=access&name=Zo%C3%AB+de+Vries"
    .. "&email=load-" .. tid .. "-" .. counter .. "-" .. os.time() .. "%40example.org"
    .. "&phone=&on_behalf=self&behalf_name=&behalf_relationship="
    .. "&description=Graag+inzage+in+mijn+gegevens.&language=nl&website="
  return wrk.format("POST", "/", nil, body)
end

function done(summary, latency, requests)
  io.write(string.format("POST p50 %.1f ms, p90 %.1f ms, p99 %.1f ms; non-2xx/3xx: %d\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, summary.errors.status))
end
