namespace KubeLab.Charts;

/// <summary>
/// plotly.js (the bundle Plotly.NET ships, no network needed) as ONE shared file next to a run's chart pages, so each page
/// references it instead of carrying its own 3.6 MB copy: <c>artifacts/plotly-2.28.0.min.js</c>, pages in
/// <c>artifacts/&lt;notebook&gt;/</c> load <c>../plotly-2.28.0.min.js</c>.
/// </summary>
public static class PlotlyAsset
{
    /// <summary>Version of the bundled plotly.js, e.g. "2.28.0".</summary>
    public static string Version => RendererHost.PlotlyVersion();

    /// <summary>The shared file's name, versioned so pages of an older run never pick up a different plotly.js.</summary>
    public static string FileName => $"plotly-{Version}.min.js";

    /// <summary>Writes <see cref="FileName"/> into <paramref name="directory"/> unless a complete copy is already there; returns its path.</summary>
    public static string WriteTo(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, FileName);
        var bytes = System.Text.Encoding.UTF8.GetBytes(RendererHost.PlotlyJs());
        if (File.Exists(path) && new FileInfo(path).Length == bytes.Length)
            return path;
        // Write beside, then move: a page opened meanwhile never sees half a file.
        var partial = path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        File.WriteAllBytes(partial, bytes);
        File.Move(partial, path, overwrite: true);
        return path;
    }
}
