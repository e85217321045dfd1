"""The summary page's only stylesheet, inlined: no font, image or script is ever fetched.

Mobile first (a 390 px phone must read it without zooming), with wide tables in their own
horizontal scroller, and a print layout that shows everything with nothing clipped.
"""

STYLE = """
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;
max-width:1100px;padding:12px;color:#101828;background:#fff}
h1{font-size:1.35em;margin:.2em 0 .4em}
h2{font-size:1.15em;margin:1.6em 0 .5em;border-bottom:1px solid #d0d5dd;padding-bottom:.2em}
h3{font-size:1em;margin:.2em 0}h4{font-size:.85em;margin:.8em 0 .2em;color:#475467}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
code{overflow-wrap:anywhere}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f9fafb;border:1px solid #eaecf0;
padding:6px;margin:0}
.scroll{overflow-x:auto;max-width:100%}.pair{display:flex;flex-wrap:wrap;gap:0 24px}
table{border-collapse:collapse;margin:.3em 0}
td,th{border:1px solid #d0d5dd;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f2f4f7}td.n{text-align:right}
table.matrix{border-collapse:separate;border-spacing:0;border:solid #d0d5dd;
border-width:1px 0 0 1px}
.matrix td,.matrix th{border-width:0 1px 1px 0}
.matrix td:first-child,.matrix th:first-child{position:sticky;left:0;z-index:1;background:#fff}
.matrix th:first-child{background:#f2f4f7}
.matrix th{position:sticky;top:0;z-index:2}.matrix td.none{background:#fafafa}
.bar-row{display:grid;grid-template-columns:minmax(0,22em) 1fr auto;gap:6px;align-items:center}
.bar-label{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}.bar{background:#f2f4f7;height:.8em}
.bar-fill{display:block;height:100%;background:#7f56d9}.bar-value{white-space:nowrap;font-size:.9em}
.pair>div{flex:1 1 26em;min-width:0}
details.cause{border:1px solid #d0d5dd;border-radius:6px;margin:.5em 0;padding:.3em .6em}
details.cause>summary{cursor:pointer;font-weight:600}details.item{margin:.3em 0 .3em 1em}
details.item>summary{cursor:pointer}
@media print{details::details-content{content-visibility:visible;display:contents}}
.o{font-weight:600;white-space:nowrap}
.o a{color:inherit}
.PASS{background:#dcfae6}.FAIL{background:#fee4e2}.ERROR{background:#f4ebff}
.WARN{background:#fef0c7}.SKIP{background:#f2f4f7}.WAIVED{background:#e0f2fe}.INCOMPLETE,.PARTIAL{background:#fef0c7}
.COMPLETE{background:#dcfae6}.qualified{border-left:4px solid #f79009;padding-left:8px}
.badge{display:inline-block;padding:0 .4em;border-radius:4px;font-weight:600}
.level.MUST{background:#fee4e2}.level.SHOULD{background:#fef0c7}.level.MAY{background:#f2f4f7}
.muted{color:#475467;font-size:.9em}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:0 10px;margin:.4em 0}
dl.facts dt{font-weight:600}dl.facts dd{margin:0;overflow-wrap:anywhere}
.failure{border-left:4px solid #d92d20;padding:2px 0 2px 10px;margin:1.4em 0}
.f-WARN{border-color:#f79009}.f-ERROR{border-color:#9e77ed}.f-WAIVED{border-color:#0ba5ec}
.check{margin:.8em 0 .2em}
.finding{margin:.3em 0}.finding p{margin:.2em 0}
dl.ea{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:2px 8px;margin:.2em 0}
dl.ea dt{font-weight:600}dl.ea dd{margin:0}
.step-failed{background:#fee4e2}.step-not-evaluated{background:#fef0c7}
.step-blocked{background:#f2f4f7}
@media (max-width:600px){body{font-size:14px;padding:8px}td,th{padding:3px 4px}
.matrix td:first-child{max-width:48vw}
dl.facts{grid-template-columns:1fr}dl.facts dd{margin-bottom:.3em}}
@media print{body{max-width:none;padding:0;font-size:10.5pt}
.scroll{overflow:visible}.matrix td:first-child,.matrix th:first-child{position:static}
pre{font-size:8.5pt;border:0;padding:2px 0}
.failure{break-inside:avoid-page}h2,h3,h4{break-after:avoid}a{color:inherit;text-decoration:none}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
"""
