using Summit.Dr.Engine.Processes;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Steps;

namespace Summit.Dr.Stores.Postgres;

/// <summary>PostgreSQL's archives: a dump taken with its rows counted, a dump read back, a dump restored into a database.</summary>
public sealed partial class PostgresService
{
    /// <summary>
    /// `pg_dump -Fc` in the snapshot of a psql session that counts every table's rows in that same snapshot,
    /// so the counts are exactly the rows the dump holds, however busy the database is. The session's
    /// transaction stays open until pg_dump is done (pg_dump imports the snapshot when it starts). The dump's
    /// bytes go where <paramref name="output"/> attaches them; the counts go to <paramref name="counted"/>.
    /// </summary>
    public Script DumpCountingRows(
        string container, string artifact, Func<ProcessSpec, Func<ProcessSpec, Task<ProcessResult>>, ScriptContext, Task> output,
            Action<IReadOnlyDictionary<string, long>> counted)
    {
        var session = new SnapshotSession(_options.Database, container);
        return Script.Of(
                new RunCommand(
                    Exec(container, PostgresCommands.Session(_options.User, _options.Database), interactive: true), Judges.Accept)
                {
                    Note = "exports its snapshot, counts every table's rows in it, and stays open until pg_dump is done",
                    Through = (spec, run, context) => session.OpenAsync(spec, run, context.CancellationToken),
                },
                new RunCommand(
                    Exec(container, PostgresCommands.DumpInSnapshot(_options.User, _options.Database, SnapshotSession.Placeholder)),
                    Judges.Require($"pg_dump of database '{_options.Database}' in container '{container}' failed"))
                {
                    Note = "> " + artifact,
                    Through = (spec, run, context) => output(session.InSnapshot(spec), run, context),
                })
            .Then(Script.Do(async token => counted(ParseRows(await session.CommitAsync(token)))))
            .Finally(Script.Do(async _ => await session.DisposeAsync()));
    }
    /// <summary>
    /// `pg_restore --list` over <paramref name="dump"/> (it reads only the table of contents); the number of entries
    /// goes to <paramref name="listed"/>. <paramref name="source"/> says in the plan where it comes from.
    /// </summary>
    public Script ListArchive(string container, Stream dump, string file, string source, Action<RunningStep, int> listed) =>
        Script.Of(new RunCommand(Exec(container, PostgresCommands.ListArchive(), interactive: true), (result, context) =>
        {
            listed(context.Step, result.Succeeded ? Entries(result) : throw new IntegrityException($"pg_restore cannot read {file}: " +
                $"{result.ErrorSummary}"));
            return Task.CompletedTask;
        })
        {
            Note = "< " + source,
            Through = (spec, run, _) => run(spec with { StandardInput = dump }),
        });

    /// <summary>Reads the whole dump through `pg_restore` without restoring it: the check for a dump with no checksum.</summary>
    public Script ReadArchiveFully(string container, Stream dump, string file) =>
        Script.Of(new RunCommand(Exec(container, PostgresCommands.ReadWholeArchive(), interactive: true), IntegrityOf($"pg_restore " +
            $"cannot read {file} to its end"))
        {
            Through = (spec, run, _) => run(spec with { StandardInput = dump }),
        });

    /// <summary>
    /// Creates <paramref name="database"/> afresh (dropping what holds the name: the name is the caller's own,
    /// a leftover of a run that died or a scratch server's empty database) and restores the verified copy of the
    /// dump into it with `pg_restore`. The live database is not touched.
    /// </summary>
    public Script RestoreInto(IncomingDump dump, string database) =>
        Script.Of(new RunCommand(
            RecreateSpec(dump.Container, database), Requiring(dump.Container, database, "create")) { Note = "dropping what holds the " +
                "name, if anything: it is this run's own" })
            .Then(new RunCommand(
                Exec(dump.Container, PostgresCommands.Restore(_options.User, database, dump.Path, _options.RestoreJobs), user: dump.Owner),
                Requiring(dump.Container, database, "restore"))
            {
                Note = "from the verified copy, once its SHA-256 matched",
            });

    /// <summary>
    /// A dump with no manifest to check it against: pg_restore reads the copy's table of contents and every data block
    /// (<see cref="IntegrityException"/> when it cannot); the number of entries goes to <paramref name="listed"/>.
    /// </summary>
    public Script ReadCopy(IncomingDump dump, Action<RunningStep, int> listed)
    {
        var entries = 0;
        return Script.Say("no manifest: no checksums, pg_restore reads every block")
            .Then(new RunCommand(Exec(dump.Container, PostgresCommands.ListArchive(dump.Path), user: dump.Owner), (result, _) =>
            {
                entries = result.Succeeded ? Entries(result) : throw new IntegrityException($"pg_restore cannot read " +
                    $"{BackupLayout.PostgresFile}: {result.ErrorSummary}");
                return Task.CompletedTask;
            }))
            .Then(new RunCommand(
                Exec(dump.Container, PostgresCommands.ReadWholeArchive(dump.Path), user: dump.Owner), async (result, context) =>
            {
                await IntegrityOf($"pg_restore cannot read {BackupLayout.PostgresFile} to its end")(result, context);
                listed(context.Step, entries);
            }));
    }

    private static int Entries(ProcessResult result) =>
        result.StandardOutput.Split('\n').Count(line => line.Length > 0 && !line.StartsWith(';'));

    private static Func<ProcessResult, ScriptContext, Task> IntegrityOf(string failure) => (result, _) =>
        result.Succeeded ? Task.CompletedTask : throw new IntegrityException($"{failure}: {result.ErrorSummary}");
}
