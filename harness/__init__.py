"""The harness: scenarios in, graded exchanges and a verdict out.

Its rooms, in the order a run passes through them: `cli` (the `scimcert` command), `plugin`
(pytest drives the run), `engine` (one scenario x one IdP profile, step by step), `scenario` (the
scenario language), `transport` (one HTTP round trip), `checks` (what is graded and why), and
`load` (traffic at rate, in Locust's process).
"""
