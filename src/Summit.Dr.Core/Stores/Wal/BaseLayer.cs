using System.Globalization;
using System.Text;
using Summit.Dr.Errors;
using Summit.Dr.Engine.Processes;
using Summit.Dr.Steps;
using Summit.Dr.Stores.Postgres;

namespace Summit.Dr.Stores.Wal;

/// <summary>
/// Lays a base backup into an emptied data directory from its verified copy beside the staged WAL (decompressed by
/// `tar -x -z` in the workbench, as the data directory's owner); then its postgresql.auto.conf gains the recovery
/// settings and recovery.signal is added.
/// </summary>
public static class BaseLayer
{
    public const string SettingsFile = "postgresql.auto.conf";
    public const string SignalFile = "recovery.signal";

    /// <summary>The verified copy of the base backup, in the staging directory (no WAL file is named so).</summary>
    public const string CopyName = "summit-dr-base.tar.gz";

    public static string CopyPath(PostgresWorkbench bench) => bench.StagingDirectory + "/" + CopyName;

    /// <summary>The copy is written by `dd` as the data directory's owner, from standard input.</summary>
    public static ProcessSpec CopySpec(PostgresWorkbench bench) =>
        bench.Exec(["dd", "of=" + CopyPath(bench), "bs=1048576"], interactive: true);

    /// <summary>The recovery settings: WAL from the staging directory, the target, promotion at the end.</summary>
    public static string Settings(RecoveryPlan plan, WalReading reading)
    {
        var text = new StringBuilder()
            .Append("\n# summit-dr: restore to a point in time; these settings are reset once recovery has ended\n")
            .Append(CultureInfo.InvariantCulture, $"restore_command = 'cp {PostgresWorkbench.Staging}/%f \"%p\"'\n")
            .Append(CultureInfo.InvariantCulture, $"recovery_target_timeline = '{plan.Path.Target}'\n")
            .Append("recovery_target_action = 'promote'\n");
        if (reading.FirstAfter is not null)
        {
            // Without a transaction after the target, replaying to the end is the state at the target, and a target
            // recovery never passes would end in "recovery ended before configured recovery target was reached".
            text.Append(CultureInfo.InvariantCulture, $"recovery_target_time = " +
                $"'{plan.Target.UtcDateTime:yyyy-MM-dd HH:mm:ss.ffffff}+00'\n");
        }

        return text.ToString();
    }

    public static ProcessSpec ExtractSpec(PostgresWorkbench bench) =>
        bench.Exec(["tar", "-x", "-z", "-f", CopyPath(bench), "-C", bench.DataDirectory]);

    /// <summary>The recovery settings appended to postgresql.auto.conf (tee reads them on standard input).</summary>
    public static ProcessSpec SettingsSpec(PostgresWorkbench bench) =>
        bench.Exec(["tee", "-a", bench.DataDirectory + "/" + SettingsFile], interactive: true);

    public static ProcessSpec SignalSpec(PostgresWorkbench bench) => bench.Exec(["touch", bench.DataDirectory + "/" + SignalFile]);

    /// <summary>The verified copy extracted into the data directory; then the recovery settings and recovery.signal.</summary>
    public static Script Lay(PostgresWorkbench bench, string settings) =>
        Script.Of(new RunCommand(ExtractSpec(bench), (result, _) => result.Succeeded
                ? Task.CompletedTask
                : throw (DiskFull.IsIn(result.StandardError)
                    ? new DiskFullException($"PostgreSQL's volume filled up while the base backup was laid: {result.ErrorSummary}")
                    : new OperationFailedException($"Could not lay the base backup into {bench.DataDirectory}: {result.ErrorSummary}"))))
            .Then(new RunCommand(SettingsSpec(bench), Judges.Require($"Could not add the recovery settings to {SettingsFile}"))
            {
                Note = "< " + string.Join("; ", settings.Split('\n', StringSplitOptions.RemoveEmptyEntries)),
                Through = (spec, run, _) => run(spec with { StandardInput = new MemoryStream(Encoding.UTF8.GetBytes(settings)) }),
            })
            .Then(Script.Run(SignalSpec(bench), "Could not create " + SignalFile));
}
