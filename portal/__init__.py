"""What a data subject sees: the request form, the e-mail confirmation and the private
status page with its uploads (issue 3; docs/public.md)."""
