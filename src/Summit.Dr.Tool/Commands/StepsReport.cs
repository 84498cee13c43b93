using Summit.Dr.Model;


namespace Summit.Dr.Tool.Commands;

/// <summary>The timed steps and the checks of a restore or a drill, one line each, as the terminal shows them.</summary>
internal static class StepsReport
{
    public static void Write(TextWriter writer, IEnumerable<RestoreStep> steps, IEnumerable<HealthCheck> checks)
    {
        // From the start of the run: steps whose spans overlap ran side by side.
        foreach (var step in steps)
        {
            writer.WriteLine($"  {step.Name,-32} at {step.Start,6:0.0} s {step.Seconds,7:0.0} s");
        }

        foreach (var check in checks)
        {
            writer.WriteLine($"  {(check.Passed ? "ok  " : "FAIL")} {check.Name}: {check.Detail}");
        }
    }
}
