using System.Diagnostics;
using System.Text;

namespace KubeLab.Notebooks.Tests;

/// <summary>
/// `kubelab up` end to end with fake docker, kind and kubectl: shell scripts on PATH (the only thing faked is the external
/// process) that log their arguments and print what the real tools print. Asserts the commands run and the decisions taken.
/// </summary>
[Collection(NotebookCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // the fakes are bash scripts
public sealed class UpCommandTests : IDisposable
{
    private static readonly string KubelabDll = Path.Combine(TestPaths.Root, "lib", "KubeLab.Cli", "bin", "Debug", "net10.0", "KubeLab.Cli.dll");
    private readonly string _temp = Directory.CreateTempSubdirectory("kubelab-up-").FullName;
    private string Bin => Path.Combine(_temp, "bin");
    private string Log => Path.Combine(_temp, "calls.log");

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static readonly string CourseNodes = KindSetupTests.NodesJson(
        ("k8s-course-control-plane", true, "v1.32.0", true), ("k8s-course-worker", false, "v1.32.0", true), ("k8s-course-worker2", false, "v1.32.0", true));

    /// <summary>Writes one fake tool: each case is a bash `case` pattern on "$*" and its body.</summary>
    private void Fake(string tool, params (string Pattern, string Body)[] cases)
    {
        Directory.CreateDirectory(Bin);
        var script = new StringBuilder("#!/bin/bash\n");
        script.Append($"echo \"{tool} $*\" >> '{Log}'\ncase \"$*\" in\n");
        foreach (var (pattern, body) in cases)
            script.Append($"  {pattern}) {body} ;;\n");
        script.Append("  *) exit 0 ;;\nesac\n");
        var path = Path.Combine(Bin, tool);
        File.WriteAllText(path, script.ToString());
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private void Tools(string kindVersion = "kind v0.25.0 go1.22.9 linux/amd64", string clusters = "k8s-course", string? nodes = null, bool kubectl = true,
        string loadFailure = "", string cloudProvider = "", bool cloudProviderRunFails = false)
    {
        var nodesFile = Path.Combine(_temp, "nodes.json");
        File.WriteAllText(nodesFile, nodes ?? CourseNodes);
        Fake("docker", ("info*", "echo 27.3.1"), ("'ps -a --filter name=^kubelab-cloud-provider-kind$'*", $"echo '{cloudProvider}'"),
            ("'run -d --name kubelab-cloud-provider-kind'*", cloudProviderRunFails ? "echo 'docker: Error response from daemon: network kind not found.' >&2; exit 125" : "echo 4f1c2a"));
        Fake("kind", ("version", $"echo '{kindVersion}'"), ("'create cluster'*", $"echo \"kind ran in $(pwd)\" >> '{Log}'"), ("'get clusters'", clusters.Length == 0 ? "echo 'No kind clusters found.' >&2" : $"echo '{clusters}'"),
            ("'load docker-image '" + loadFailure + "*", loadFailure.Length == 0 ? "exit 0" : "echo 'Command Output: ctr: content digest sha256:9106: not found' >&2; exit 1"));
        if (kubectl)
            Fake("kubectl", ("'get nodes -o json'*", $"printf '%s' \"$(<'{nodesFile}')\""), ("*'get deployment metrics-server'*", "echo '[\"--cert-dir=/tmp\",\"--secure-port=10250\"]'"));
    }

    private string[] Calls() => File.Exists(Log) ? File.ReadAllLines(Log) : [];

    private static string Dotnet()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(d => Path.Combine(d, "dotnet")).First(File.Exists);
        return new FileInfo(onPath).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? onPath;
    }

    private Task<(int Exit, string Out, string Err)> Up(params string[] args) => UpIn(TestPaths.Root, args);

    private async Task<(int Exit, string Out, string Err)> UpIn(string workingDirectory, params string[] args)
    {
        Assert.True(File.Exists(KubelabDll), $"{KubelabDll} is missing: build lib/KubeLab.Cli first");
        var info = new ProcessStartInfo(Dotnet()) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(KubelabDll);
        info.ArgumentList.Add("up");
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["PATH"] = Bin;                   // only the fakes: no real docker, kind or kubectl
        info.Environment["HOME"] = _temp;
        info.Environment["CI"] = "true";
        info.Environment.Remove("KUBECONFIG");
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task An_existing_course_cluster_is_checked_images_are_preloaded_and_metrics_server_installed()
    {
        Tools();
        var (exit, stdout, stderr) = await Up();

        Assert.True(exit == 0, stdout + stderr);
        var calls = Calls();
        Assert.DoesNotContain(calls, c => c.StartsWith("kind create", StringComparison.Ordinal));
        Assert.Contains(calls, c => c.StartsWith("kubectl get nodes -o json --kubeconfig ", StringComparison.Ordinal) && c.EndsWith("--context kind-k8s-course", StringComparison.Ordinal));
        foreach (var image in File.ReadAllLines(Path.Combine(TestPaths.Root, "environment", "images.txt")).Where(l => l.Length > 0 && l[0] != '#'))
        {
            var pull = Array.IndexOf(calls, $"docker pull {image}");
            Assert.True(pull >= 0, $"no docker pull {image}");
            Assert.True(Array.IndexOf(calls, $"kind load docker-image {image} --name k8s-course") > pull, $"{image} not loaded after its pull");
        }
        Assert.Contains(calls, c => c.StartsWith("kubectl apply -f https://github.com/kubernetes-sigs/metrics-server/releases/download/v0.7.2/components.yaml", StringComparison.Ordinal));
        Assert.Contains(calls, c => c.Contains("patch deployment metrics-server --type=json", StringComparison.Ordinal));
        Assert.Contains(calls, c => c.StartsWith("kubectl top nodes", StringComparison.Ordinal));
        Assert.Contains("already exists", stdout);
        Assert.Contains("Docker Hub", stdout); // says why the images are loaded
        Assert.Contains("ready: context kind-k8s-course answers", stdout);
        Assert.DoesNotContain("warning", stderr);
        // cloud-provider-kind: none yet, so it is started on the kind network with the docker socket, after metrics-server.
        var run = Array.IndexOf(calls, "docker run -d --name kubelab-cloud-provider-kind --restart unless-stopped --network kind " +
                                       "-v /var/run/docker.sock:/var/run/docker.sock registry.k8s.io/cloud-provider-kind/cloud-controller-manager:v0.11.1");
        Assert.True(run > Array.FindIndex(calls, c => c.StartsWith("kubectl top nodes", StringComparison.Ordinal)), string.Join("\n", calls));
        Assert.DoesNotContain(calls, c => c.StartsWith("docker rm", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_running_cloud_provider_kind_of_the_pinned_version_is_kept_and_another_version_is_replaced()
    {
        Tools(cloudProvider: "registry.k8s.io/cloud-provider-kind/cloud-controller-manager:v0.11.1 running");
        var (exit, stdout, stderr) = await Up("--skip-images");
        Assert.True(exit == 0, stdout + stderr);
        Assert.DoesNotContain(Calls(), c => c.StartsWith("docker run", StringComparison.Ordinal) || c.StartsWith("docker rm", StringComparison.Ordinal));
        Assert.Contains("cloud-provider-kind v0.11.1 is running", stdout);

        File.Delete(Log);
        Tools(cloudProvider: "registry.k8s.io/cloud-provider-kind/cloud-controller-manager:v0.6.0 running");
        (exit, stdout, stderr) = await Up("--skip-images");
        Assert.True(exit == 0, stdout + stderr);
        var calls = Calls();
        var rm = Array.IndexOf(calls, "docker rm -f kubelab-cloud-provider-kind");
        Assert.True(rm >= 0 && Array.FindIndex(calls, c => c.StartsWith("docker run -d --name kubelab-cloud-provider-kind", StringComparison.Ordinal)) > rm,
            string.Join("\n", calls));
    }

    [Fact]
    public async Task A_cloud_provider_kind_that_cannot_start_is_a_warning_naming_what_stays_pending()
    {
        Tools(cloudProviderRunFails: true);
        var (exit, stdout, stderr) = await Up("--skip-images");
        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains("warning: starting cloud-provider-kind failed: docker: Error response from daemon: network kind not found.", stderr);
        Assert.Contains("<pending>", stderr);
        Assert.Contains("ready: context kind-k8s-course answers", stdout);
    }

    [Fact]
    public async Task Without_a_cluster_it_is_created_from_the_config_waiting_for_the_control_plane_and_skip_images_skips_the_images()
    {
        Tools(clusters: "");
        var (exit, stdout, stderr) = await Up("--skip-images");

        Assert.True(exit == 0, stdout + stderr);
        var calls = Calls();
        Assert.Contains($"kind create cluster --name k8s-course --config {Path.Combine(TestPaths.Root, "environment", "kind-cluster.yaml")} --wait 2m", calls);
        Assert.DoesNotContain(calls, c => c.StartsWith("docker pull", StringComparison.Ordinal) || c.StartsWith("kind load", StringComparison.Ordinal));
        Assert.Contains("--skip-images", stdout);
    }

    [Fact]
    public async Task Kind_creates_the_cluster_from_the_repository_root_so_the_encryption_mount_resolves()
    {
        Tools(clusters: "");
        var (exit, stdout, stderr) = await UpIn(Path.Combine(TestPaths.Root, "notebooks"), "--skip-images");

        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains($"kind ran in {TestPaths.Root}", Calls());
        // The config's relative extraMounts hostPath names a folder that exists there, holding the API server's config.
        var config = File.ReadAllText(Path.Combine(TestPaths.Root, "environment", "kind-cluster.yaml"));
        Assert.Contains("hostPath: environment/encryption", config);
        Assert.Contains("encryption-provider-config: /etc/kubernetes/encryption/encryption-config.yaml", config);
        Assert.True(File.Exists(Path.Combine(TestPaths.Root, "environment", "encryption", "encryption-config.yaml")));
    }

    [Fact]
    public async Task Too_old_kind_is_refused_before_anything_is_created()
    {
        Tools(kindVersion: "kind v0.24.0 go1.22.6 linux/amd64", clusters: "");
        var (exit, _, stderr) = await Up();

        Assert.NotEqual(0, exit);
        Assert.Contains("kind is too old", stderr);
        Assert.Contains("go install sigs.k8s.io/kind@v0.25.0", stderr);
        Assert.DoesNotContain(Calls(), c => c.StartsWith("kind create", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Newer_kind_is_a_warning_and_up_goes_on()
    {
        Tools(kindVersion: "kind v0.27.0 go1.23.6 linux/amd64");
        var (exit, stdout, stderr) = await Up("--skip-images");

        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains("warning: `kind version` says \"kind v0.27.0", stderr);
    }

    [Fact]
    public async Task A_cluster_of_another_shape_is_reported_with_how_to_recreate_it()
    {
        Tools(nodes: KindSetupTests.NodesJson(("k8s-course-control-plane", true, "v1.31.2", true)));
        var (exit, _, stderr) = await Up();

        Assert.NotEqual(0, exit);
        Assert.Contains("is not the course's cluster", stderr);
        Assert.Contains("1 control-plane node(s) and 0 worker(s)", stderr);
        Assert.Contains("v1.31.2", stderr);
        Assert.Contains("kind delete cluster --name k8s-course", stderr);
        Assert.DoesNotContain(Calls(), c => c.StartsWith("kubectl apply", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NotReady_workers_are_waited_for()
    {
        Tools(nodes: KindSetupTests.NodesJson(("k8s-course-control-plane", true, "v1.32.0", true), ("k8s-course-worker", false, "v1.32.0", false), ("k8s-course-worker2", false, "v1.32.0", true)));
        var (exit, stdout, stderr) = await Up("--skip-images");

        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains(Calls(), c => c.StartsWith("kubectl wait --for=condition=Ready nodes --all --timeout=120s", StringComparison.Ordinal));
        Assert.Contains("waiting for node(s) k8s-course-worker to become Ready", stdout);
    }

    [Fact]
    public async Task Containerd_image_store_errors_take_the_single_platform_archive_route()
    {
        Tools(loadFailure: "nginx:1.27");
        var (exit, stdout, stderr) = await Up();

        Assert.True(exit == 0, stdout + stderr);
        var calls = Calls();
        Assert.Contains(calls, c => c.StartsWith("docker image save --platform linux/", StringComparison.Ordinal) && c.EndsWith(" nginx:1.27", StringComparison.Ordinal));
        Assert.Contains(calls, c => c.StartsWith("kind load image-archive ", StringComparison.Ordinal) && c.EndsWith("--name k8s-course", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_kubectl_up_says_it_is_required()
    {
        Tools(kubectl: false);
        var (exit, _, stderr) = await Up();

        Assert.NotEqual(0, exit);
        Assert.Contains("kubectl is not installed", stderr);
        Assert.Contains("kubectl 1.32", stderr);
        Assert.DoesNotContain(Calls(), c => c.StartsWith("kind create", StringComparison.Ordinal) || c.StartsWith("docker pull", StringComparison.Ordinal));
    }
}
