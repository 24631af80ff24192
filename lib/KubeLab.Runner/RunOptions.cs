namespace KubeLab.Runner;

/// <summary>How <see cref="NotebookRunner"/> executes a notebook.</summary>
public sealed record RunOptions
{
    /// <summary>Folder that receives the executed notebook and its charts (created if missing).</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Working directory while the notebook runs; default: the notebook's own folder (notebooks/).</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>A cell that runs longer than this fails the notebook.</summary>
    public TimeSpan CellTimeout { get; init; } = TimeSpan.FromMinutes(10);
}
