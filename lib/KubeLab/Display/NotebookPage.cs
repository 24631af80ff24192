namespace KubeLab;

/// <summary>
/// One notebook's outputs as one page: VS Code renders every output of a notebook into a single webview, Jupyter into a single
/// document, so plotly.js defined by one chart output serves the later ones. The first <see cref="Plot"/> shown through a page
/// carries plotly.js (3.6 MB); later plots only their figure and wait for <c>window.Plotly</c>. kubelab.csx creates one page per
/// kernel: <c>Formatter.Register&lt;IHtmlDisplayable&gt;(new NotebookPage().Write, "text/html")</c>.
/// </summary>
public sealed class NotebookPage
{
    private int _plotlyShipped;

    /// <summary>Whether a plot shown through this page has carried plotly.js.</summary>
    public bool PlotlyShipped => Volatile.Read(ref _plotlyShipped) == 1;

    public string ToHtml(IHtmlDisplayable value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value is Plot plot
            ? plot.ToHtml(includePlotlyJs: Interlocked.Exchange(ref _plotlyShipped, 1) == 0)
            : value.ToHtml();
    }

    /// <summary>The shape of a .NET Interactive formatter (<c>Action&lt;T, TextWriter&gt;</c>).</summary>
    public void Write(IHtmlDisplayable value, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(ToHtml(value));
    }
}
