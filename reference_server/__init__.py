"""The reference SCIM 2.0 server of scimcert: an enterprise team of a collaboration app."""
