using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Tool.Terminal;


namespace Summit.Dr.Tool.Commands;

/// <summary>
/// A dry run's plan, from the records of the run that made it: each step in order with what it runs (read-only
/// steps ran for real; the rest were recorded, not run), which steps run side by side, and the notes between.
/// On stdout, or as one JSON document.
/// </summary>
internal static class PlanReport
{
    public static int Write(ToolConsole console, string command, IReadOnlyList<StepRecord> records, bool json)
    {
        if (json)
        {
            console.WriteJson(new
            {
                schemaVersion = 1,
                command,
                dryRun = true,
                commands = records.SelectMany(r => r.Commands).Select(c => c.Display),
                // What the run decided from the answers it got (which path a dump or load takes, and why).
                decisions = records.Where(r => r.IsNote).Select(r => r.Name.TrimStart('#', ' ')),
                steps = records.Where(r => !r.IsNote).Select(r => new
                {
                    name = r.Name,
                    parent = r.Parent,
                    sideBySide = SideBySide(records, r),
                    readOnly = r.ReadOnly,
                    commands = r.Commands.Select(c => new { command = c.Display, ran = c.Ran, note = c.Note, repeats = c.Repeats }),
                    notes = r.Notes,
                }),
            });
            return ExitCodes.Success;
        }

        foreach (var line in Lines(records))
        {
            console.Out.WriteLine(line);
        }

        return ExitCodes.Success;
    }

    /// <summary>The plan as text: a `#` header per step, its notes, then its commands as they would be typed.</summary>
    public static IEnumerable<string> Lines(IReadOnlyList<StepRecord> records)
    {
        foreach (var record in records)
        {
            var indent = new string(' ', 2 * record.Depth);
            if (record.IsNote)
            {
                yield return $"{indent}{record.Name}";
                continue;
            }

            var alongside = SideBySide(records, record);
            var how = (record.ReadOnly, record.Composite) switch
            {
                (true, _) => " (asks only: run for real)",
                (_, true) => ":",
                _ => string.Empty,
            };
            yield return $"{indent}# {record.Name}{how}" +
                $"{(alongside.Count > 0 ? $" [side by side with {string.Join(", ", alongside)}]" : string.Empty)}";
            foreach (var note in record.Notes)
            {
                yield return $"{indent}#   {note}";
            }

            foreach (var run in record.Commands)
            {
                yield return run.ToString();
            }
        }
    }

    private static List<string> SideBySide(IReadOnlyList<StepRecord> records, StepRecord step) =>
        step.Group is null
            ? []
            : records.Where(r => !r.IsNote && r != step && r.Group == step.Group && r.Parent == step.Parent).Select(r => r.Name).ToList();
}
