"""The SCIM protocol layer (RFC 7643, RFC 7644): it translates requests into domain transitions."""
