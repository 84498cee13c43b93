namespace Summit.Dr.Undo;

/// <summary>The uploads tree a restore replaced, renamed to <see cref="Kept"/> beside it.</summary>
/// <param name="Existed">False when there was no tree to keep: undo then only removes the restored one.</param>
/// <param name="Swapped">The restored tree is in place; the old one is under <see cref="Kept"/>.</param>
public sealed record KeptUploads(string Path, string Kept, bool Existed, bool Swapped);
