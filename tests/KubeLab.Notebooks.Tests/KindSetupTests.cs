using KubeLab.Runner;

namespace KubeLab.Notebooks.Tests;

/// <summary>The decisions `kubelab up` and `kubelab run` take for kind, from the tools' real output formats (no Docker here).</summary>
public sealed class KindSetupTests
{
    [Theory]
    [InlineData("kind v0.25.0 go1.22.9 linux/amd64", KindVersionVerdict.Supported)]
    [InlineData("kind v0.25.3 go1.23.1 darwin/arm64", KindVersionVerdict.Supported)]
    [InlineData("kind v0.24.0 go1.22.6 linux/amd64", KindVersionVerdict.TooOld)]
    [InlineData("kind v0.17.0 go1.19.2 linux/amd64", KindVersionVerdict.TooOld)]
    [InlineData("kind v0.27.0 go1.23.6 linux/amd64", KindVersionVerdict.Newer)]
    [InlineData("kind v0.26.0-alpha+6d2d2b8d1b6dba go1.23.4 linux/amd64", KindVersionVerdict.Newer)]
    [InlineData("kind v1.0.0 go1.25 linux/amd64", KindVersionVerdict.Newer)]
    [InlineData("command not found", KindVersionVerdict.Unknown)]
    public void Kind_versions_are_judged_against_the_node_images_release(string output, KindVersionVerdict expected)
        => Assert.Equal(expected, KindVersionCheck.Judge(KindVersionCheck.Parse(output)));

    [Fact]
    public void Too_old_kind_is_refused_naming_what_to_install_and_newer_is_a_warning()
    {
        var old = KindVersionCheck.Message(KindVersionVerdict.TooOld, "kind v0.24.0 go1.22.6 linux/amd64\n")!;
        Assert.Contains("kind v0.24.0 go1.22.6 linux/amd64", old);
        Assert.Contains("go install sigs.k8s.io/kind@v0.25.0", old);
        Assert.Contains("kindest/node:v1.32.0", old);
        Assert.StartsWith("warning:", KindVersionCheck.Message(KindVersionVerdict.Newer, "kind v0.27.0"));
        Assert.Null(KindVersionCheck.Message(KindVersionVerdict.Supported, "kind v0.25.0"));
    }

    [Fact]
    public void The_cluster_is_created_from_the_config_waiting_two_minutes_for_the_control_plane()
    {
        Assert.Equal(["create", "cluster", "--name", "k8s-course", "--config", "/r/environment/kind-cluster.yaml", "--wait", "2m"],
            KindCluster.CreateArgs("/r/environment/kind-cluster.yaml"));
        Assert.True(KindCluster.ListsCourseCluster("kind\nk8s-course\n"));
        Assert.False(KindCluster.ListsCourseCluster("k8s-course-old\n"));
        Assert.False(KindCluster.ListsCourseCluster(""));
    }

    /// <summary>A NodeList as `kubectl get nodes -o json` prints it for a kind cluster (the fields the check reads, plus neighbours).</summary>
    internal static string NodesJson(params (string Name, bool ControlPlane, string Version, bool Ready)[] nodes)
    {
        var items = new System.Text.Json.Nodes.JsonArray();
        foreach (var n in nodes)
        {
            var labels = new System.Text.Json.Nodes.JsonObject { ["kubernetes.io/hostname"] = n.Name };
            if (n.ControlPlane) labels["node-role.kubernetes.io/control-plane"] = "";
            items.Add(new System.Text.Json.Nodes.JsonObject
            {
                ["apiVersion"] = "v1", ["kind"] = "Node",
                ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["name"] = n.Name, ["labels"] = labels },
                ["status"] = new System.Text.Json.Nodes.JsonObject
                {
                    ["conditions"] = new System.Text.Json.Nodes.JsonArray(
                        new System.Text.Json.Nodes.JsonObject { ["type"] = "MemoryPressure", ["status"] = "False" },
                        new System.Text.Json.Nodes.JsonObject { ["type"] = "Ready", ["status"] = n.Ready ? "True" : "False", ["reason"] = "KubeletReady" }),
                    ["nodeInfo"] = new System.Text.Json.Nodes.JsonObject
                    {
                        ["kubeletVersion"] = n.Version, ["kubeProxyVersion"] = "", ["architecture"] = "amd64", ["containerRuntimeVersion"] = "containerd://1.7.18",
                        ["kernelVersion"] = "6.8.0", ["machineID"] = "", ["operatingSystem"] = "linux", ["osImage"] = "Debian GNU/Linux 12 (bookworm)",
                        ["systemUUID"] = "", ["bootID"] = "",
                    },
                },
            });
        }
        return new System.Text.Json.Nodes.JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = items }.ToJsonString();
    }

    [Fact]
    public void The_course_cluster_shape_passes_and_Ready_is_reported_separately()
    {
        var nodes = KindNodeCheck.Parse(NodesJson(("k8s-course-control-plane", true, "v1.32.0", true), ("k8s-course-worker", false, "v1.32.0", false), ("k8s-course-worker2", false, "v1.32.0", true)));
        var report = KindNodeCheck.Check(nodes);
        Assert.True(report.ShapeOk);
        Assert.Equal(["k8s-course-worker"], report.NotReady.Select(n => n.Name));
        Assert.Contains("k8s-course-control-plane (control-plane, v1.32.0, Ready)", KindNodeCheck.Describe(nodes));
    }

    [Fact]
    public void A_cluster_of_another_shape_or_version_is_reported_with_how_to_recreate_it()
    {
        var single = KindNodeCheck.Check(KindNodeCheck.Parse(NodesJson(("k8s-course-control-plane", true, "v1.32.0", true))));
        Assert.False(single.ShapeOk);
        Assert.Contains("1 control-plane node(s) and 0 worker(s)", single.Problems.Single());

        var old = KindNodeCheck.Check(KindNodeCheck.Parse(NodesJson(("cp", true, "v1.31.2", true), ("w1", false, "v1.31.2", true), ("w2", false, "v1.32.0", true))));
        Assert.Contains("cp (v1.31.2), w1 (v1.31.2) do not run Kubernetes v1.32.x", old.Problems.Single());
        Assert.Contains("kind delete cluster --name k8s-course", KindNodeCheck.RecreateHint);
        Assert.Throws<FormatException>(() => KindNodeCheck.Parse("error: You must be logged in"));
    }

    [Fact]
    public void Images_are_pulled_once_on_the_host_and_loaded_into_the_course_cluster()
    {
        Assert.Equal(["pull", "nginx:1.27"], CourseImages.PullArgs("nginx:1.27"));
        Assert.Equal(["load", "docker-image", "nginx:1.27", "--name", "k8s-course"], CourseImages.LoadArgs("nginx:1.27"));
        // Docker's containerd image store: kind#3795's error leads to the single-platform archive route.
        Assert.True(CourseImages.IsMissingPlatformContent("ERROR: failed to load image: command \"docker exec --privileged -i k8s-course-control-plane ctr --namespace=k8s.io images import --all-platforms --digests --snapshotter=overlayfs -\" failed with error: exit status 1\nCommand Output: ctr: content digest sha256:9106d839: not found"));
        Assert.False(CourseImages.IsMissingPlatformContent("ERROR: image: \"nginx:1.27\" not present locally"));
        Assert.Equal(["image", "save", "--platform", "linux/amd64", "-o", "/t/a.tar", "nginx:1.27"], CourseImages.SaveArgs("nginx:1.27", "/t/a.tar", "linux/amd64"));
        Assert.Equal(["load", "image-archive", "/t/a.tar", "--name", "k8s-course"], CourseImages.LoadArchiveArgs("/t/a.tar"));
        Assert.Equal(["a:1", "b/c:2"], CourseImages.Parse("# comment\n\na:1  # trailing\n  b/c:2\n"));
    }

    [Fact]
    public void Cell_timeout_follows_the_cluster_unless_given()
    {
        Assert.Equal(TimeSpan.FromMinutes(10), CellTimeouts.Resolve(ClusterChoice.Sim, null).Timeout);
        Assert.Equal(TimeSpan.FromMinutes(20), CellTimeouts.Resolve(ClusterChoice.Kind, null).Timeout);
        Assert.Equal("cell timeout: 20 min (default on kind; change with --cell-timeout MINUTES)", CellTimeouts.Resolve(ClusterChoice.Kind, null).Description);
        var given = CellTimeouts.Resolve(ClusterChoice.Kind, TimeSpan.FromMinutes(45));
        Assert.Equal(TimeSpan.FromMinutes(45), given.Timeout);
        Assert.Equal("cell timeout: 45 min (--cell-timeout)", given.Description);
    }
}
