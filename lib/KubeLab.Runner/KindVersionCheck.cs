using System.Text.RegularExpressions;

namespace KubeLab.Runner;

/// <summary>What <c>kubelab up</c> makes of the installed kind: refuse, go ahead, or go ahead with a warning.</summary>
public enum KindVersionVerdict { Supported, TooOld, Newer, Unknown }

/// <summary>
/// The node image pinned in environment/kind-cluster.yaml (kindest/node:v1.32.0@sha256:…) is the one kind v0.25.0's release
/// notes list as built for that release; kind's docs say node images are made for a kind release and other pairs may not work.
/// <c>kind version</c> prints <c>kind v0.25.0 go1.22.9 linux/amd64</c> (sigs.k8s.io/kind pkg/internal/version DisplayVersion),
/// with a pre-release such as <c>v0.26.0-alpha+abc</c> on builds from source.
/// </summary>
public static partial class KindVersionCheck
{
    public static readonly Version Required = new(0, 25, 0);
    public const string InstallHint =
        "Install kind v0.25.0: `go install sigs.k8s.io/kind@v0.25.0`, or the release binary from " +
        "https://github.com/kubernetes-sigs/kind/releases/tag/v0.25.0 (see https://kind.sigs.k8s.io/docs/user/quick-start/#installation).";

    [GeneratedRegex(@"\bv(\d+)\.(\d+)\.(\d+)")]
    private static partial Regex VersionPattern();

    /// <summary>The version in <c>kind version</c>'s output, or null if it has none.</summary>
    public static Version? Parse(string output)
    {
        var m = VersionPattern().Match(output ?? "");
        return m.Success ? new Version(int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value), int.Parse(m.Groups[3].Value)) : null;
    }

    /// <summary>Older minor → refuse; same minor (any patch) → fine; newer → warn; unparsable → warn.</summary>
    public static KindVersionVerdict Judge(Version? installed) => installed switch
    {
        null => KindVersionVerdict.Unknown,
        _ when installed.Major < Required.Major || (installed.Major == Required.Major && installed.Minor < Required.Minor) => KindVersionVerdict.TooOld,
        _ when installed.Major == Required.Major && installed.Minor == Required.Minor => KindVersionVerdict.Supported,
        _ => KindVersionVerdict.Newer,
    };

    /// <summary>The sentence to print for a verdict (null when there is nothing to say).</summary>
    public static string? Message(KindVersionVerdict verdict, string output) => verdict switch
    {
        KindVersionVerdict.TooOld =>
            $"kind is too old: `kind version` says \"{output.Trim()}\", but the course's node image (kindest/node:v1.32.0 in " +
            $"environment/kind-cluster.yaml) is built for kind v{Required.Major}.{Required.Minor}.x. " + InstallHint,
        KindVersionVerdict.Newer =>
            $"warning: `kind version` says \"{output.Trim()}\"; the course's node image (kindest/node:v1.32.0) is built for kind " +
            $"v{Required.Major}.{Required.Minor}.x. Newer kind releases usually still run it; if `kind create cluster` fails: " + InstallHint,
        KindVersionVerdict.Unknown =>
            $"warning: could not read a version from `kind version` (\"{output.Trim()}\"); the course expects kind v{Required.Major}.{Required.Minor}.x.",
        _ => null,
    };
}
