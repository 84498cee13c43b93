namespace Summit.Dr.Operations.Remote;

/// <param name="Bytes">Bytes uploaded (0 when the backup was already there).</param>
public sealed record PushResult(string Name, string Location, long Bytes, bool AlreadyThere);
