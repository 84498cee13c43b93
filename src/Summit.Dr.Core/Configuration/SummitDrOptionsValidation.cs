using Microsoft.Extensions.Options;

namespace Summit.Dr.Configuration;

/// <summary>
/// What the settings must be, checked when the configuration is read (exit 2 naming the key), beside their
/// definitions: every number in its range, every name a store or the engine needs present, the off-site store's kind
/// and names as the store would accept them.
/// </summary>
public sealed class SummitDrOptionsValidation : IValidateOptions<SummitDrOptions>
{
    public ValidateOptionsResult Validate(string? name, SummitDrOptions options)
    {
        var problems = Problems(options).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    public static IEnumerable<string> Problems(SummitDrOptions options)
    {
        foreach (var (key, value) in new (string, double)[]
        {
            ("Neo4j:StopTimeoutSeconds", options.Neo4j.StopTimeoutSeconds),
                ("Neo4j:StartTimeoutSeconds", options.Neo4j.StartTimeoutSeconds),
            ("Drill:ReadyTimeoutSeconds", options.Drill.ReadyTimeoutSeconds),
                ("Pitr:MaxSlotWalKeepSizeMiB", options.Pitr.MaxSlotWalKeepSizeMiB),
            ("Pitr:RecoveryTimeoutSeconds", options.Pitr.RecoveryTimeoutSeconds),
                ("Metrics:TimeoutSeconds", options.Metrics.TimeoutSeconds),
            ("Notify:TimeoutSeconds", options.Notify.TimeoutSeconds), ("Remote:PartSizeMiB", options.Remote.PartSizeMiB),
            ("Objectives:RpoMinutes", options.Objectives.RpoMinutes), ("Objectives:RtoMinutes", options.Objectives.RtoMinutes),
            ("Objectives:DrillMaxAgeDays", options.Objectives.DrillMaxAgeDays),
        })
        {
            if (value <= 0)
            {
                yield return $"{key} must be positive";
            }
        }

        foreach (var (key, value) in new (
            string, double)[] { ("Remote:Retries", options.Remote.Retries),
            ("Remote:RetryDelaySeconds", options.Remote.RetryDelaySeconds) })
        {
            if (value < 0)
            {
                yield return $"{key} must not be negative (0: no retry)";
            }
        }

        foreach (var (key, value) in new[]
        {
            ("Postgres:Container", options.Postgres.Container), ("Postgres:Database", options.Postgres.Database),
            ("Postgres:User", options.Postgres.User), ("Neo4j:Container", options.Neo4j.Container),
            ("Neo4j:Database", options.Neo4j.Database), ("Uploads:Path", options.Uploads.Path),
            ("Backup:Root", options.Backup.Root), ("Docker:Path", options.Docker.Path),
        })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                yield return $"{key} must not be empty";
            }
        }

        foreach (var problem in options.Remote.Problems())
        {
            yield return problem;
        }
    }
}
