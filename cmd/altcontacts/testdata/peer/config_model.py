"""boto3 against the sandbox's AWS Config: every answer must fit botocore's
model (required members present, enum values from the model's sets), as
parsed by botocore itself. One process for all calls: Python start-up is
the cost. Prints one JSON object: {"errors": [...], "counts": {...}}."""
import json
import sys

import boto3
from botocore.config import Config

endpoint = sys.argv[1]
client = boto3.client(
    "config", endpoint_url=endpoint, region_name="us-east-1",
    aws_access_key_id="sandbox", aws_secret_access_key="sandbox",
    config=Config(retries={"max_attempts": 1}))
model = client.meta.service_model
errors = []
counts = {}


def check(shape, value, path):
    """Walks a parsed value against its botocore shape."""
    if value is None:
        return
    if shape.type_name == "structure":
        for name in shape.required_members:
            if name not in value:
                errors.append("%s: required member %s missing" % (path, name))
        for name, v in value.items():
            if name == "ResponseMetadata" or name == "NextToken":
                continue
            if name not in shape.members:
                errors.append("%s: member %s not in the model" % (path, name))
                continue
            check(shape.members[name], v, path + "." + name)
    elif shape.type_name == "list":
        for i, v in enumerate(value):
            check(shape.member, v, "%s[%d]" % (path, i))
    elif shape.type_name == "string" and shape.enum:
        if value not in shape.enum:
            errors.append("%s: %r not in %s" % (path, value, shape.enum))


def call(op, **kw):
    out = getattr(client, op)(**kw)
    name = client.meta.method_to_api_mapping[op]
    check(model.operation_model(name).output_shape, out, name)
    return out


agg = "acmepay-org-aggregator"
rules = call("describe_config_rules")["ConfigRules"]
counts["rules"] = len(rules)
rule = [r["ConfigRuleName"] for r in rules if r["Source"].get("SourceIdentifier") == "SECURITY_ACCOUNT_INFORMATION_PROVIDED"][0]
counts["org_rules"] = len(call("describe_organization_config_rules")["OrganizationConfigRules"])
counts["aggregators"] = len(call("describe_configuration_aggregators")["ConfigurationAggregators"])
rows, token, pages = [], None, 0
while True:
    kw = {"ConfigurationAggregatorName": agg, "Limit": 10}
    if token:
        kw["NextToken"] = token
    out = call("describe_aggregate_compliance_by_config_rules", **kw)
    rows += out["AggregateComplianceByConfigRules"]
    pages += 1
    token = out.get("NextToken")
    if not token:
        break
counts["aggregate_rows"], counts["aggregate_pages"] = len(rows), pages
counts["non_compliant"] = sum(1 for r in rows if r["Compliance"]["ComplianceType"] == "NON_COMPLIANT")
row = rows[0]
d = call("get_aggregate_compliance_details_by_config_rule", ConfigurationAggregatorName=agg, ConfigRuleName=row["ConfigRuleName"],
         AccountId=row["AccountId"], AwsRegion=row["AwsRegion"])["AggregateEvaluationResults"]
counts["details"] = len(d)
if d and not hasattr(d[0]["ResultRecordedTime"], "isoformat"):
    errors.append("ResultRecordedTime did not parse as a timestamp: %r" % (d[0]["ResultRecordedTime"],))
counts["own_results"] = len(call("get_compliance_details_by_config_rule", ConfigRuleName=rule)["EvaluationResults"])
counts["recorders"] = len(call("describe_configuration_recorder_status")["ConfigurationRecordersStatus"])
for op, kw, code in [
    ("describe_aggregate_compliance_by_config_rules", {"ConfigurationAggregatorName": "missing"}, "NoSuchConfigurationAggregatorException"),
    ("describe_aggregate_compliance_by_config_rules", {"ConfigurationAggregatorName": agg, "NextToken": "bogus"}, "InvalidNextTokenException"),
    ("get_compliance_details_by_config_rule", {"ConfigRuleName": "nope"}, "NoSuchConfigRuleException"),
]:
    try:
        getattr(client, op)(**kw)
        errors.append("%s %s: no error, want %s" % (op, kw, code))
    except client.exceptions.ClientError as e:
        got = e.response["Error"]["Code"]
        if got != code:
            errors.append("%s: error %s, want %s" % (op, got, code))
        elif not hasattr(client.exceptions, code) or not isinstance(e, getattr(client.exceptions, code)):
            errors.append("%s: %s is not botocore's modeled exception class" % (op, code))
print(json.dumps({"errors": errors, "counts": counts}))
