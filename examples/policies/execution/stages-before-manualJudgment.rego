# Before each task of a Manual Judgment stage. Rego v1.
package spinnaker.execution.stages.before.manualJudgment

deny contains "manual judgments need instructions for the approver" if {
	trim_space(object.get(input.stage.context, "instructions", "")) == ""
}

deny contains msg if {
	input.stage.context.stageTimeoutMs > 86400000
	msg := sprintf("manual judgment timeout %d ms exceeds one day", [input.stage.context.stageTimeoutMs])
}
