using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Documents;

namespace KubeLab.Runner;

/// <summary>Builds the kernel a notebook runs in: a composite kernel with one C# kernel, set up like a Polyglot Notebooks C# kernel
/// (#r / #load through Roslyn scripting, display()/Formatter helpers, value sharing).</summary>
internal static class KernelFactory
{
    public const string CSharp = "csharp";

    public static CompositeKernel Create()
    {
        var csharp = new CSharpKernel()
            .UseKernelHelpers()     // display(...) and friends
            .UseValueSharing();
        var composite = new CompositeKernel { csharp };
        composite.DefaultKernelName = CSharp;
        return composite;
    }

    /// <summary>Kernel names a .ipynb may use; anything else is treated as C# only if it is the default.</summary>
    public static KernelInfoCollection KernelInfos() =>
    [
        new Microsoft.DotNet.Interactive.Documents.KernelInfo(CSharp, languageName: "C#", aliases: ["c#", "C#", "cs"]),
        new Microsoft.DotNet.Interactive.Documents.KernelInfo("markdown", languageName: "Markdown", aliases: ["md"]),
    ];
}
