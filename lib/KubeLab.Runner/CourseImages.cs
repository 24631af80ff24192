using System.Runtime.InteropServices;

namespace KubeLab.Runner;

/// <summary>
/// The course's container images (environment/images.txt) and the commands that put them into the kind nodes once:
/// <c>docker pull</c> on the host, then <c>kind load docker-image</c> copies them into every node's containerd, so pods
/// with the default pull policy (IfNotPresent for a pinned tag) start without asking Docker Hub – whose anonymous limit
/// (100 pulls per 6 hours per IP) a workshop room behind one NAT reaches quickly when 3 nodes × N learners pull.
/// </summary>
public static class CourseImages
{
    public const string ListFile = "environment/images.txt";

    public static string ListPath(string repoRoot) => Path.Combine(repoRoot, "environment", "images.txt");

    /// <summary>Image references, one a line; '#' starts a comment.</summary>
    public static IReadOnlyList<string> Parse(string text) =>
        text.Split('\n').Select(l => (l.IndexOf('#') is var i and >= 0 ? l[..i] : l).Trim()).Where(l => l.Length > 0).ToList();

    public static IReadOnlyList<string> Load(string repoRoot) => Parse(File.ReadAllText(ListPath(repoRoot)));

    public static string[] PullArgs(string image) => ["pull", image];

    /// <summary>Loads into every node of the cluster (kind's default when --nodes is not given).</summary>
    public static string[] LoadArgs(string image) => ["load", "docker-image", image, "--name", KindCluster.ClusterName];

    /// <summary>
    /// With Docker's containerd image store (default in Docker Desktop and new Docker Engines) <c>kind load docker-image</c> fails
    /// for multi-platform images with "ctr: content digest sha256:…: not found" (kubernetes-sigs/kind#3795): the saved index names
    /// platforms that were never pulled. kind's documented workaround: save the one platform, then load the archive.
    /// </summary>
    public static bool IsMissingPlatformContent(string error) =>
        error.Contains("content digest", StringComparison.OrdinalIgnoreCase) && error.Contains("not found", StringComparison.OrdinalIgnoreCase);

    public static string[] SaveArgs(string image, string archive, string platform) => ["image", "save", "--platform", platform, "-o", archive, image];

    public static string[] LoadArchiveArgs(string archive) => ["load", "image-archive", archive, "--name", KindCluster.ClusterName];

    /// <summary>kind nodes run the host's architecture.</summary>
    public static string HostPlatform() => RuntimeInformation.OSArchitecture switch
    {
        Architecture.Arm64 => "linux/arm64",
        _ => "linux/amd64",
    };
}
