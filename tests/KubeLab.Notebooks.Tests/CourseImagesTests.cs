using System.Text.Json;
using System.Text.RegularExpressions;
using KubeLab.Runner;

namespace KubeLab.Notebooks.Tests;

/// <summary>environment/images.txt (what `kubelab up` preloads into kind) lists exactly the images the course runs.</summary>
public sealed partial class CourseImagesTests
{
    // `image: X` in YAML (manifests, inline YAML in notebook cells) and "repo:tag" string literals on C# lines that mention an image
    // (e.g. SetImageAsync("web", "nginx:1.27.1")).
    [GeneratedRegex("""image:\s*["']?(?<ref>[a-z0-9][a-z0-9./_-]*:[A-Za-z0-9_][A-Za-z0-9._-]*)""")]
    private static partial Regex YamlImage();

    [GeneratedRegex("""(?<![\w\\])\\?"(?<ref>(?:[a-z0-9.-]+/)*[a-z0-9][a-z0-9._-]*:\d[A-Za-z0-9._-]*)\\?"(?!\w)""")]
    private static partial Regex QuotedImage();

    /// <summary>Images meant to fail (the notebooks' broken pulls) are not preloaded.</summary>
    private static bool MeantToFail(string image) => image.Contains("does-not-exist", StringComparison.Ordinal);

    private static IEnumerable<(string Image, string Where)> UsedImages()
    {
        foreach (var file in Directory.EnumerateFiles(Path.Combine(TestPaths.Root, "manifests"), "*.y*ml", SearchOption.AllDirectories))
            foreach (Match m in YamlImage().Matches(File.ReadAllText(file)))
                yield return (m.Groups["ref"].Value, Path.GetRelativePath(TestPaths.Root, file));
        foreach (var file in Directory.EnumerateFiles(TestPaths.NotebooksDirectory, "*.ipynb"))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var cell in doc.RootElement.GetProperty("cells").EnumerateArray())
            {
                var source = string.Concat(cell.GetProperty("source").EnumerateArray().Select(l => l.GetString()));
                var code = cell.GetProperty("cell_type").GetString() == "code";
                foreach (Match m in YamlImage().Matches(source))
                    yield return (m.Groups["ref"].Value, Path.GetFileName(file));
                // Only lines about images: "ndots:5" or "mm:ss" elsewhere are not image references.
                if (code)
                    foreach (var line in source.Split('\n').Where(l => l.Contains("image", StringComparison.OrdinalIgnoreCase)))
                        foreach (Match m in QuotedImage().Matches(line))
                            if (!m.Groups["ref"].Value.StartsWith("localhost:", StringComparison.Ordinal))
                                yield return (m.Groups["ref"].Value, Path.GetFileName(file));
            }
        }
    }

    [Fact]
    public void Every_image_the_course_runs_is_preloaded_and_nothing_else()
    {
        var listed = CourseImages.Load(TestPaths.Root);
        var used = UsedImages().Where(u => !MeantToFail(u.Image)).ToList();
        Assert.NotEmpty(used);

        var missing = used.Where(u => !listed.Contains(u.Image)).Select(u => $"{u.Image} ({u.Where})").Distinct().ToList();
        Assert.True(missing.Count == 0, $"add to {CourseImages.ListFile}: {string.Join(", ", missing)}");
        var unused = listed.Where(i => used.All(u => u.Image != i)).ToList();
        Assert.True(unused.Count == 0, $"no manifest or notebook uses (remove from {CourseImages.ListFile}): {string.Join(", ", unused)}");
        Assert.Equal(listed.Count, listed.Distinct().Count());
    }

    [Fact]
    public void The_scan_finds_yaml_and_literal_image_references()
    {
        Assert.Equal("nginx:1.27", YamlImage().Match("      image: nginx:1.27\n").Groups["ref"].Value);
        Assert.Equal("registry.k8s.io/e2e-test-images/agnhost:2.53", YamlImage().Match("image: \"registry.k8s.io/e2e-test-images/agnhost:2.53\"").Groups["ref"].Value);
        Assert.Equal("nginx:1.27.2", QuotedImage().Match("await SetImageAsync(\"web\", \"nginx:1.27.2\");").Groups["ref"].Value);
        Assert.DoesNotMatch(QuotedImage(), "var at = \"mm:ss\";");
        Assert.True(MeantToFail("nginx:1.27.1-does-not-exist"));
    }
}
