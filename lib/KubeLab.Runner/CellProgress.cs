namespace KubeLab.Runner;

/// <summary>Reported before and after each code cell runs.</summary>
/// <param name="Notebook">Notebook name without extension.</param>
/// <param name="CellNumber">1-based among all cells (markdown included).</param>
/// <param name="CodeCellNumber">1-based among code cells.</param>
/// <param name="CodeCellCount">Number of code cells in the notebook.</param>
/// <param name="FirstLine">First non-empty line of the cell, for display.</param>
/// <param name="Finished">False when the cell starts, true when it ended.</param>
/// <param name="Succeeded">Whether the cell succeeded (meaningful only when Finished).</param>
public sealed record CellProgress(
    string Notebook, int CellNumber, int CodeCellNumber, int CodeCellCount, string FirstLine, bool Finished, bool Succeeded);
