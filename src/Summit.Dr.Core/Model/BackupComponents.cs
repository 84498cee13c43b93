using Summit.Dr.Errors;


namespace Summit.Dr.Model;

/// <summary>Parses `--only postgres,neo4j,uploads`.</summary>
public static class BackupComponents
{
    public static IReadOnlySet<BackupComponent> All { get; } = new HashSet<BackupComponent>(Enum.GetValues<BackupComponent>());

    public static IReadOnlySet<BackupComponent> Parse(string? only)
    {
        if (string.IsNullOrWhiteSpace(only))
        {
            return All;
        }

        var selected = new HashSet<BackupComponent>();
        foreach (var part in only.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Enum.TryParse<BackupComponent>(part, ignoreCase: true, out var component) || int.TryParse(part, out _))
            {
                throw new UsageException($"--only: unknown component '{part}'. Use a comma-separated list of postgres, neo4j, uploads.");
            }

            selected.Add(component);
        }

        return selected;
    }
}
