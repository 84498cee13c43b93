namespace Summit.Dr.Benchmark;

/// <summary>Every round at one store size.</summary>
internal sealed record SizeResult(
    int Megabytes,
    int Rounds,
    Sizes Sizes,
    List<Measurement> RunbookBackups,
    List<Measurement> ToolBackups,
    List<Measurement> RunbookRestores,
    List<Measurement> ToolRestores);
