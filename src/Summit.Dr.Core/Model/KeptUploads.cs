namespace Summit.Dr.Model;

/// <summary>The uploads tree a restore replaced, renamed to <see cref="Kept"/> beside it.</summary>
/// <param name="Existed">False when there was no tree to keep: undo then only removes the restored one.</param>
/// <param name="Swapped">The restored tree is in place; the old one is under <see cref="Kept"/>.</param>
/// <param name="Mode">The old tree's own mode: kept aside it is private (0700), and it gets this back when it is put back.</param>
public sealed record KeptUploads(string Path, string Kept, bool Existed, bool Swapped, UnixFileMode? Mode = null);
