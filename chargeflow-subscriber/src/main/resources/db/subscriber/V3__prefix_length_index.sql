-- Lets the store list the IPv6 prefix lengths in use (SELECT DISTINCT over an index) at open, so a /64 lookup can
-- fall back to a containing delegated prefix (a /56 from Delegated-IPv6-Prefix).
CREATE INDEX ip_bindings_prefix_length ON ip_bindings (prefix_length);
