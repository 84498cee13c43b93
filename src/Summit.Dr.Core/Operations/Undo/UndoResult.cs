using Summit.Dr.Model;

namespace Summit.Dr.Operations.Undo;

/// <summary>A finished undo: which restore's kept state was put back (or freed), and how long it took.</summary>
public sealed record UndoResult(KeptState State, bool Discarded, TimeSpan Duration);
