
namespace Summit.Dr.Model;

public sealed record StoreOutcome(BackupComponent Component, StoreState State, string Detail);
