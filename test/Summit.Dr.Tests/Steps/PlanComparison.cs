using Summit.Dr.Model;


namespace Summit.Dr.Tests.Steps;

/// <summary>
/// A dry run's plan against the run: the same steps, the same steps side by side, and in each step exactly the
/// commands the run executed, in order. A plan's &lt;placeholder&gt; (a value only the run learns, such as an
/// exported snapshot) matches any one value; a poll the plan marks as repeating matches one or more runs of it.
/// </summary>
internal static class PlanComparison
{
    /// <summary>Asserts the plan is the run; returns how many commands were compared.</summary>
    public static int AssertSame(IReadOnlyList<StepRecord> plan, IReadOnlyList<StepRecord> run)
    {
        var planned = Keyed(plan);
        var ran = Keyed(run);
        Assert.That(ran.Keys, Is.EquivalentTo(planned.Keys), "the run has exactly the plan's steps");
        var compared = 0;
        Assert.Multiple(() =>
        {
            foreach (var (key, step) in planned)
            {
                var executed = ran[key];
                Assert.That(SideBySide(run, executed), Is.EquivalentTo(SideBySide(plan, step)), $"{key}: the steps beside it");
                var expected = step.Commands;
                var actual = Collapse(executed.Commands, expected);
                Assert.That(actual.Count, Is.EqualTo(expected.Count), $"{key}: planned {Show(expected.Select(c => c.Display))}, ran " +
                    $"{Show(executed.Commands.Select(c => c.Display))}");
                for (var i = 0; i < Math.Min(expected.Count, actual.Count); i++)
                {
                    Assert.That(Matches(expected[i].Display, actual[i]), Is.True, $"{key}, command {i + 1}: planned " +
                        $"`{expected[i].Display}`, ran `{actual[i]}`");
                    compared++;
                }
            }
        });
        return compared;
    }

    /// <summary>Steps by their place: parent, name, and the how-many-th of that name it is.</summary>
    private static Dictionary<string, StepRecord> Keyed(IReadOnlyList<StepRecord> records)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var keyed = new Dictionary<string, StepRecord>(StringComparer.Ordinal);
        foreach (var record in records.Where(r => !r.IsNote))
        {
            var name = $"{record.Parent}/{record.Name}";
            seen[name] = seen.GetValueOrDefault(name) + 1;
            keyed[$"{name}#{seen[name]}"] = record;
        }

        return keyed;
    }

    private static List<string> SideBySide(IReadOnlyList<StepRecord> records, StepRecord step) => step.Group is null
        ? []
        : records.Where(r => !r.IsNote && r != step && r.Group == step.Group && r.Parent == step.Parent).Select(r => r.Name).ToList();

    /// <summary>The run's commands with a poll's repeats folded into one, where the plan says the command repeats.</summary>
    private static List<string> Collapse(IReadOnlyList<StepCommand> executed, IReadOnlyList<StepCommand> plan)
    {
        var repeating = plan.Where(c => c.Repeats).Select(c => c.Display).ToHashSet(StringComparer.Ordinal);
        var folded = new List<string>();
        foreach (var command in executed.Select(c => c.Display))
        {
            if (folded.Count > 0 && folded[^1] == command && repeating.Any(r => Matches(r, command)))
            {
                continue;
            }

            folded.Add(command);
        }

        return folded;
    }

    private static bool Matches(string planned, string ran) => Testing.PlanMatch.Matches(planned, ran);

    private static string Show(IEnumerable<string> commands) => "[" + string.Join(" | ", commands) + "]";
}
