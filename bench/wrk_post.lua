-- wrk script for bench/form_load.py: bench/public_form_post.lua (the public form's POST, a
-- valid request with a fresh e-mail address each time), sent to the path of the URL given to
-- wrk instead of "/", so that the bare view of bench/urls_floor.py gets the very same request.
dofile("bench/public_form_post.lua")

local form_request = request

function request()
  local req = form_request()
  return (req:gsub("^POST / ", "POST " .. wrk.path .. " ", 1))
end
