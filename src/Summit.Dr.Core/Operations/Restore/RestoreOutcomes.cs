using Summit.Dr.Model;
using Summit.Dr.Stores.Wal;


namespace Summit.Dr.Operations.Restore;

/// <summary>How a restore's stores ended, in words an operator acts on.</summary>
public static class RestoreOutcomes
{
    /// <summary>The order stores are named and reported in.</summary>
    public static readonly BackupComponent[] Order = [BackupComponent.Postgres, BackupComponent.Neo4j, BackupComponent.Uploads];

    public static string Name(BackupComponent component) => component switch
    {
        BackupComponent.Postgres => "PostgreSQL",
        BackupComponent.Neo4j => "Neo4j",
        _ => "uploads",
    };

    /// <summary>Where PostgreSQL is after a restore to a point in time, plainly.</summary>
    public static string PointInTime(PitrPrepared pitr) =>
        $"restored to {pitr.Plan.Target.ToLocalTime():yyyy-MM-dd HH:mm:ss zzz}: base backup of {pitr.Plan.Base.Name} and the WAL " +
            $"archive, " +
        (pitr.Reading.LastBefore is { } last ? $"up to its last transaction before then, at " +
            $"{last.ToLocalTime():HH:mm:ss.ffffff}" : "with no transaction between the base backup and then") +
        (pitr.Plan.Ledgers.SignedOnly ? $"; only WAL its signed ledger vouched for, up to the last signed sync at " +
            $"{pitr.Plan.CoveredUntil.ToLocalTime():HH:mm:ss}" : string.Empty);

    /// <summary>What state the platform is in after a failed restore put back what it could.</summary>
    public static string Describe(IReadOnlyList<StoreOutcome> outcomes, KeptState state)
    {
        if (outcomes.Count == 0)
        {
            return "Nothing had been replaced yet: the platform is as it was.";
        }

        if (outcomes.All(o => o.State == StoreState.RolledBack))
        {
            return $"Put {string.Join(", ", outcomes.Select(o => Name(o.Component)))} back from the state kept aside: the platform is as " +
                $"it was before the restore.";
        }

        var parts = outcomes.Select(o => o.State == StoreState.RolledBack
            ? $"{Name(o.Component)} put back"
            : $"{Name(o.Component)} NOT put back ({o.Detail})");
        return $"The platform is in a mixed state: {string.Join("; ", parts)}. What was replaced is still kept aside (restore " +
            $"{state.Id}): " +
            "run `summit-dr undo` to put the rest back.";
    }
}
