// AWS::CloudWatch::Alarm (AWS CloudFormation User Guide, "AWS::CloudWatch::Alarm"; the limits are
// PutMetricAlarm's in botocore's cloudwatch model): a metric alarm, read and checked with
// CloudFormation's errors. An alarm the emulator cannot evaluate (metric math, an anomaly
// detection band, a statistic other than SampleCount/Average/Sum/Minimum/Maximum/pNN) still
// loads: AlarmSpec::not_evaluated says why, and start-up says it.
#pragma once

#include <string>
#include <vector>

#include "emulator/core/result.h"
#include "emulator/template/resources.h"
#include "emulator/template/stack.h"
#include "emulator/template/stack_scope.h"

namespace emu::tmpl {

Result<AlarmSpec> read_alarm(const ResourceDecl& alarm, StackScope& scope,
                             std::vector<std::string>& warnings);

}  // namespace emu::tmpl
