using YamlDotNet.RepresentationModel;

namespace KubeLab.Tests;

/// <summary>
/// The kind config cannot be exercised here (no Docker engine), so its shape is checked against what
/// kind v1alpha4 accepts and what the course relies on: names, node roles, pinned images, the NodePort mapping.
/// </summary>
public class KindClusterConfigTests
{
    private static YamlMappingNode LoadConfig()
    {
        var path = Path.Combine(FindRepoRoot(), "environment", "kind-cluster.yaml");
        var stream = new YamlStream();
        using var reader = File.OpenText(path);
        stream.Load(reader);
        Assert.Single(stream.Documents);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    // Starts from the output folder, then from this source file's folder: builds with --artifacts-path put the
    // output outside the repository.
    private static string FindRepoRoot([System.Runtime.CompilerServices.CallerFilePath] string sourceFile = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile) ?? "" })
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "KubeLab.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException("KubeLab.slnx not found above " + AppContext.BaseDirectory + " or " + sourceFile);
    }

    private static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node[key]).Value!;

    [Fact]
    public void Is_a_kind_v1alpha4_cluster_named_k8s_course()
    {
        var config = LoadConfig();
        Assert.Equal("Cluster", Scalar(config, "kind"));
        Assert.Equal("kind.x-k8s.io/v1alpha4", Scalar(config, "apiVersion"));
        // kind prefixes the kube context with "kind-": the library looks for kind-k8s-course.
        Assert.Equal("k8s-course", Scalar(config, "name"));
    }

    [Fact]
    public void Has_one_control_plane_and_two_workers_on_one_pinned_image()
    {
        var nodes = ((YamlSequenceNode)LoadConfig()["nodes"]).Children.Cast<YamlMappingNode>().ToList();
        Assert.Equal(new[] { "control-plane", "worker", "worker" }, nodes.Select(n => Scalar(n, "role")));
        var images = nodes.Select(n => Scalar(n, "image")).Distinct().ToList();
        var image = Assert.Single(images);
        // kind's release notes: only the @sha256 digest guarantees an image built for the kind release.
        Assert.Matches(@"^kindest/node:v1\.32\.\d+@sha256:[0-9a-f]{64}$", image);
    }

    [Fact]
    public void Maps_NodePort_30080_to_the_host()
    {
        var controlPlane = (YamlMappingNode)((YamlSequenceNode)LoadConfig()["nodes"]).Children[0];
        var mapping = (YamlMappingNode)((YamlSequenceNode)controlPlane["extraPortMappings"]).Children.Single();
        Assert.Equal("30080", Scalar(mapping, "containerPort"));
        Assert.Equal("30080", Scalar(mapping, "hostPort"));
        var port = int.Parse(Scalar(mapping, "containerPort"));
        Assert.InRange(port, 30000, 32767); // the default NodePort range
    }

    [Fact]
    public void Uses_the_pod_subnet_the_simulator_models()
    {
        var networking = (YamlMappingNode)LoadConfig()["networking"];
        Assert.Equal("10.244.0.0/16", Scalar(networking, "podSubnet"));
    }
}
