namespace Summit.Dr.Benchmark;

/// <summary>Each store's size on disk, as seeded.</summary>
internal sealed record Sizes(long DatabaseBytes, long StoreBytes, long UploadsBytes);
