using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace KubeLab.Notebooks.Tests;

/// <summary>
/// Where notebooks find the helper library: kubelab.csx's <c>#r</c> names one configuration-independent folder, and every build of
/// lib/KubeLab (Debug for VS Code, Release for <c>dotnet run -c Release --project lib/KubeLab.Cli</c>) fills it. Run this project
/// with <c>-c Release</c> and the MVID check below proves a Release build refreshed what notebooks load.
/// </summary>
public sealed partial class NotebookLibraryPathTests
{
    [GeneratedRegex("""^#r\s+"(?<path>[^"]+)"\s*$""", RegexOptions.Multiline)]
    private static partial Regex ReferenceLine();

    /// <summary>The library path kubelab.csx references, resolved as the C# kernel resolves it: relative to notebooks/.</summary>
    private static string ReferencedLibrary()
    {
        var csx = File.ReadAllText(Path.Combine(TestPaths.NotebooksDirectory, "kubelab.csx"));
        var reference = Assert.Single(ReferenceLine().Matches(csx)).Groups["path"].Value;
        return Path.GetFullPath(Path.Combine(TestPaths.NotebooksDirectory, reference));
    }

    [Fact]
    public void The_setup_line_names_no_build_configuration()
    {
        var library = ReferencedLibrary();
        Assert.Equal(Path.Combine(TestPaths.Root, "lib", "KubeLab", "bin", "notebook", "KubeLab.dll"), library);
        Assert.DoesNotMatch("(?i)debug|release|net\\d", Path.GetRelativePath(TestPaths.Root, library));
    }

    [Fact]
    public void The_build_copies_into_the_folder_the_setup_line_references()
    {
        var project = XDocument.Load(Path.Combine(TestPaths.Root, "lib", "KubeLab", "KubeLab.csproj"));
        var dir = Assert.Single(project.Descendants("KubeLabNotebookDir")).Value
            .Replace("$(MSBuildProjectDirectory)", Path.Combine(TestPaths.Root, "lib", "KubeLab"), StringComparison.Ordinal);
        Assert.Equal(Path.GetDirectoryName(ReferencedLibrary()), Path.GetFullPath(dir).TrimEnd('/', '\\'));
        var copy = Assert.Single(project.Descendants("Target"), t => (string?)t.Attribute("Name") == "KubeLabCopyForNotebooks");
        Assert.Equal("CopyFilesToOutputDirectory", (string?)copy.Attribute("AfterTargets")); // every build, whatever the configuration
        Assert.DoesNotContain("Configuration", (string?)copy.Attribute("Condition") ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public void The_library_notebooks_load_is_the_build_this_test_run_made_with_its_dependencies_and_renderer()
    {
        var library = ReferencedLibrary();
        Assert.True(File.Exists(library), $"{library} is missing: building lib/KubeLab (any configuration) should have put it there");
        var loaded = typeof(KubeLab.Plot).Assembly;
        var configuration = loaded.GetCustomAttributes(typeof(System.Reflection.AssemblyConfigurationAttribute), false)
            .OfType<System.Reflection.AssemblyConfigurationAttribute>().Single().Configuration;
        Assert.True(Mvid(library) == loaded.ManifestModule.ModuleVersionId,
            $"{library} is not the KubeLab.dll this {configuration} test build compiled ({loaded.Location})");

        var dir = Path.GetDirectoryName(library)!;
        foreach (var dependency in new[] { "KubeLab.Simulator.dll", "KubernetesClient.dll", "YamlDotNet.dll", "KubeLab.deps.json" })
            Assert.True(File.Exists(Path.Combine(dir, dependency)), $"{dependency} is missing next to {library}");
        Assert.True(File.Exists(Path.Combine(dir, "plotly-renderer", "KubeLab.PlotlyRenderer.dll")), "plotly-renderer/ is missing next to KubeLab.dll");
        Assert.True(File.Exists(Path.Combine(dir, "plotly-renderer", "FSharp.Core.dll")));
    }

    private static Guid Mvid(string assembly)
    {
        using var pe = new PEReader(File.OpenRead(assembly));
        var reader = pe.GetMetadataReader();
        return reader.GetGuid(reader.GetModuleDefinition().Mvid);
    }
}
