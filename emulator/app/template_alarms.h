// The template's AWS::CloudWatch::Alarm resources as CloudWatch alarms, and the checks start-up
// makes of the alarms DeploymentPreference names.
#pragma once

#include <string>
#include <vector>

#include "emulator/cloudwatch/alarms.h"
#include "emulator/core/result.h"
#include "emulator/template/stack.h"

namespace emu::app {

// The alarm as PutMetricAlarm would define it. The template loader has checked the fields with
// CloudFormation's errors already; an error here names the resource.
Result<cloudwatch::AlarmDefinition> alarm_definition(const tmpl::AlarmSpec& spec);

// Puts every alarm of the stack into `alarms` (an alarm of the same name is replaced, as a stack
// update replaces it). Returns the lines start-up prints: alarms that are not evaluated and why,
// and DeploymentPreference alarms that no template alarm defines.
std::vector<std::string> put_template_alarms(const tmpl::Stack& stack, cloudwatch::Alarms& alarms);

// One start-up line per template alarm: what it watches and which deployments it guards, e.g.
// "Alarm sam-app-WhoDisErrorsAlarm-X: AWS/Lambda Errors Sum >= 1 (1 of 1 x 60 s); stops
// WhoDisFunction's deployments".
std::vector<std::string> alarm_lines(const tmpl::Stack& stack);

}  // namespace emu::app
