package opa.pipelines_test

import data.opa.pipelines

deploy(account) := {"type": "deployManifest", "name": "Deploy", "account": account}

test_staging_deploy_allowed if {
	count(pipelines.deny) == 0 with input as {"pipeline": {"stages": [deploy("staging")]}}
}

test_stage_without_account_denied if {
	pipelines.deny["stage \"Deploy\" has no account"] with input as {"pipeline": {"stages": [{"type": "deployManifest", "name": "Deploy"}]}}
}

test_prod_needs_judgment if {
	pipelines.deny["stage \"Deploy\" deploys to prod without a manual judgment"] with input as {"pipeline": {"stages": [deploy("prod")]}}
}

test_prod_with_judgment_allowed if {
	count(pipelines.deny) == 0 with input as {"pipeline": {"stages": [{"type": "manualJudgment", "name": "Approve"}, deploy("prod")]}}
}

test_judgment_mocked if {
	count(pipelines.deny) == 0 with input as {"pipeline": {"stages": [deploy("prod")]}} with pipelines.has_judgment as true
}
