namespace KubeLab.Runner;

/// <summary>The cell that stopped a notebook.</summary>
/// <param name="CellNumber">1-based among all cells.</param>
/// <param name="CodeCellNumber">1-based among code cells.</param>
/// <param name="FirstLine">First non-empty line of the cell's source.</param>
public sealed record FailedCell(int CellNumber, int CodeCellNumber, string FirstLine);

/// <summary>Outcome of running one notebook.</summary>
public sealed record NotebookResult
{
    public required string Name { get; init; }
    public required bool Succeeded { get; init; }
    public required TimeSpan Duration { get; init; }
    /// <summary>Number of cells (all kinds) in the notebook.</summary>
    public required int CellCount { get; init; }
    public FailedCell? FailedCell { get; init; }
    /// <summary>The failing cell's error message (no stack trace), or null on success.</summary>
    public string? Error { get; init; }
    /// <summary>The executed notebook, written with its outputs.</summary>
    public required string OutputPath { get; init; }
    /// <summary>Standalone chart files extracted from the notebook's HTML outputs.</summary>
    public IReadOnlyList<string> ChartPaths { get; init; } = [];

    /// <summary>One line naming notebook, cell and error, e.g. for a CLI's failure summary.</summary>
    public string Describe() => Succeeded
        ? $"{Name}: passed in {Duration.TotalSeconds:0.0} s"
        : FailedCell is { } c
            ? $"{Name}: cell {c.CellNumber} (code cell {c.CodeCellNumber}) `{c.FirstLine}` failed: {Error}"
            : $"{Name}: failed: {Error}";
}
