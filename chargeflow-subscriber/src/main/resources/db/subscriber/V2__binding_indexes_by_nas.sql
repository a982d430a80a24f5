-- V1's (valid_until_ms, nas) index let the planner answer "open bindings of this key" by scanning every open
-- binding (equality on valid_until_ms matches all of them), which made each RADIUS Start cost O(open bindings).
-- Open bindings are now reached through the key, the session or the NAS, never through the end time alone.
DROP INDEX ip_bindings_until;
DROP INDEX ip_bindings_session;
-- Interim-Update and Stop: the open bindings of one accounting session
CREATE INDEX ip_bindings_session ON ip_bindings (acct_session_id, nas, valid_until_ms);
-- Accounting-On/Off: the open bindings of one NAS
CREATE INDEX ip_bindings_nas_open ON ip_bindings (nas, valid_until_ms);
