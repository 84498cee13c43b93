using System.Text;
using System.Text.RegularExpressions;
using Summit.Dr.Engine.Processes;

namespace Summit.Dr.Tests.Support;

/// <summary>PostgreSQL as the fake engine plays it: its databases, a dump's session and bytes, pg_restore, renames.</summary>
internal sealed partial class FakeDocker
{
    /// <summary>A restore of PostgreSQL into a database (not the `--list` check).</summary>
    public static bool IsPgRestore(ProcessSpec s) => s.Arguments.Contains("pg_restore") && s.Arguments.Contains("-d");

    public static bool IsPgDump(ProcessSpec s) => s.Arguments.Contains("pg_dump");

    /// <summary>A psql session reading statements from its standard input, as the row count beside pg_dump runs one.</summary>
    public static bool IsSession(ProcessSpec s) =>
        s.Arguments.Contains("psql") && !s.Arguments.Contains("-c") && s.StandardInput is not null;

    /// <summary>The exact row counts a session reports for the fake database.</summary>
    public Dictionary<string, long> RowCounts { get; } = new(StringComparer.Ordinal) { ["public.tenants"] = 3, ["public.users"] = 1000 };

    private async Task<ProcessResult> SessionAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(spec.StandardInput!);
        async Task Say(string text) => await spec.StandardOutput!.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Contains("pg_export_snapshot", StringComparison.Ordinal))
            {
                await Say("snapshot\t00000003-0000001B-1\n");
            }
            else if (line.StartsWith("SELECT 'rows'", StringComparison.Ordinal))
            {
                await Say(string.Concat(RowCounts.Select(r => $"rows\t{r.Key}\t{r.Value}\n")));
            }
            else if (line.Contains("'counted'", StringComparison.Ordinal))
            {
                await Say("counted\n");
            }
        }

        return Result();
    }

    public static bool IsRename(ProcessSpec s) =>
        s.Arguments.Contains("psql") && s.Arguments.Any(a => a.Contains(" RENAME TO ", StringComparison.Ordinal));

    private static bool IsPostgresTool(IReadOnlyList<string> args) =>
        args.Any(a => a is "psql" or "pg_dump" or "pg_isready" or "dropdb" or "pg_restore");

    /// <summary>PostgreSQL's client tools, as a healthy server answers them.</summary>
    private async Task<ProcessResult> PostgresAsync(ProcessSpec spec, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        switch (args[0])
        {
            case "exec" when args.Contains("psql") && !args.Contains("-c") && spec.StandardInput is not null:
                return await SessionAsync(spec, cancellationToken);
            case "exec" when args.Contains("pg_dump"):
                await spec.StandardOutput!.WriteAsync(PostgresDump, cancellationToken);
                return Result();
            case "exec" when args.Contains("pg_isready"):
                return Result(stdout: "127.0.0.1:5432 - accepting connections\n");
            case "exec" when args.Contains("psql") && Recreated(args) is { } recreated:
                lock (_state)
                {
                    Databases.Add(recreated);
                }

                return Result();
            case "exec" when args.Contains("dropdb"):
                lock (_state)
                {
                    Databases.Remove(args[^1]);
                }

                return Result();
            case "exec" when args.Contains("pg_restore") && spec.StandardInput is null && !HasFile(Target(args), args[^1]):
                return Result(1, stderr: $"pg_restore: error: could not open input file \"{args[^1]}\": No such file or directory");
            case "exec" when args.Contains("pg_restore") && args.Contains("--list"):
                if (spec.StandardInput is { } listed)
                {
                    await listed.CopyToAsync(Stream.Null, cancellationToken);
                }

                return Result(stdout: ";\n; Archive created\n;\n215; 1259 16385 TABLE public users intelgraph\n3380; 0 16385 TABLE DATA " +
                    "public users intelgraph\n");
            case "exec" when args.Contains("pg_restore"):
                if (spec.StandardInput is { } restored)
                {
                    await restored.CopyToAsync(Stream.Null, cancellationToken);
                }

                return Result();
            case "exec" when IsRename(spec):
                return Rename(args);
            case "exec" when args.Contains("psql") && args.Contains("SELECT datname FROM pg_database ORDER BY 1"):
                lock (_state)
                {
                    return Result(stdout: string.Join('\n', Databases.Order(StringComparer.Ordinal)) + "\n");
                }

            case "exec" when args.Contains("psql"):
                return Result(stdout: "15.18\n8192000\npublic.users\t1000\npublic.tenants\t3\n");
            default:
                throw new InvalidOperationException($"FakeDocker has no answer for: docker {string.Join(' ', args)}");
        }
    }

    /// <summary>`ALTER DATABASE "a" RENAME TO "b"` statements, applied all or nothing as the one transaction they are.</summary>
    private ProcessResult Rename(IReadOnlyList<string> args)
    {
        var renames = args.SelectMany(a => RenameStatement().Matches(a)).Select(
            m => (From: m.Groups[1].Value, To: m.Groups[2].Value)).ToList();
        lock (_state)
        {
            foreach (var from in renames.Select(r => r.From).Where(f => !renames.Any(r => r.To == f)))
            {
                if (!Databases.Contains(from))
                {
                    // psql with VERBOSITY=verbose, as the rename runs it: the SQLSTATE, then where the server raised it.
                    return Result(1, stderr: $"psql:<command-line>:1: ERROR:  3D000: database \"{from}\" does not exist\nLOCATION:  " +
                        $"get_db_info, dbcommands.c:1712\n");
                }
            }

            foreach (var (from, _) in renames)
            {
                Databases.Remove(from);
            }

            foreach (var (_, to) in renames)
            {
                Databases.Add(to);
            }
        }

        return Result();
    }

    /// <summary>The database a `DROP DATABASE IF EXISTS "x" WITH (FORCE)`, `CREATE DATABASE "x" ...` pair makes afresh.</summary>
    private static string? Recreated(IReadOnlyList<string> args) =>
        args.Select(a => CreateStatement().Match(a)).FirstOrDefault(m => m.Success)?.Groups[1].Value;

    [GeneratedRegex("^CREATE DATABASE \"([^\"]+)\"")]
    private static partial Regex CreateStatement();

    [GeneratedRegex("ALTER DATABASE \"([^\"]+)\" RENAME TO \"([^\"]+)\"")]
    private static partial Regex RenameStatement();
}
