"""Totals of a `make test` run from the .trx files in the folder given: each skipped test with its reason, then
"N skipped", then, last, "N passed, N failed" (the line CI reads, so it stays exactly that)."""
import glob
import sys
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = 0
skipped = []
for path in sorted(glob.glob(f"{sys.argv[1]}/*.trx")):
    run = ET.parse(path).getroot()
    counters = run.find("t:ResultSummary/t:Counters", NS)
    passed += int(counters.get("passed"))
    failed += int(counters.get("failed"))
    # A skipped test is counted nowhere in the counters; its result says NotExecuted, with the reason as message.
    for result in run.iterfind("t:Results/t:UnitTestResult[@outcome='NotExecuted']", NS):
        reason = result.findtext("t:Output/t:ErrorInfo/t:Message", default="(no reason given)", namespaces=NS)
        skipped.append(f"  {result.get('testName')}: {reason.strip()}")

if skipped:
    print("Skipped:")
    print("\n".join(skipped))
print(f"{len(skipped)} skipped")
print(f"{passed} passed, {failed} failed")
