using System.Text.Json.Nodes;
using System.Text;
using k8s;
using k8s.Models;
using KubeLab.Simulator.Kubelet.Environment;
using KubeLab.Simulator.Kubelet.Volumes;
using KubeLab.Simulator.Runtime.Filesystem;
using KubeLab.Simulator.Storage;

namespace KubeLab.Simulator.Tests.Kubelet.Volumes;

/// <summary>Volumes prepared against a running simulated cluster's API, mounted into modelled container file systems.</summary>
public class PodVolumesTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    private const string Node = "k8s-course-worker";
    private IKubernetes Client => f.Client;

    private static V1Pod Pod(string ns, V1Volume[] volumes, params V1VolumeMount[] mounts) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = "web", NamespaceProperty = ns, Uid = Guid.NewGuid().ToString(),
            Labels = new Dictionary<string, string> { ["app"] = "web", ["tier"] = "front" },
        },
        Spec = new V1PodSpec
        {
            NodeName = Node, Volumes = volumes,
            Containers = [new V1Container { Name = "app", Image = "busybox", VolumeMounts = mounts }],
        },
    };

    private static ContainerFileSystem Mounted(PodVolumes volumes, V1Container c)
    {
        var fs = new ContainerFileSystem(new DirectoryNode(), TimeProvider.System);
        foreach (var (path, node, ro) in volumes.MountsFor(c)) fs.Mount(path, node, ro);
        return fs;
    }

    private Task<PodVolumes> Prepare(V1Pod pod, VolumeData? data = null) =>
        PodVolumes.PrepareAsync(pod, Node, Client, data ?? new VolumeData(), TimeProvider.System, CancellationToken.None);

    [Fact]
    public async Task ConfigMap_volume_shows_keys_as_links_into_data_and_updates_on_refresh_except_subPath()
    {
        var ns = await f.NewNamespaceAsync("cmvol");
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "cfg" },
            Data = new Dictionary<string, string> { ["color"] = "red", ["size"] = "L" },
            BinaryData = new Dictionary<string, byte[]> { ["logo.bin"] = [1, 2, 3] },
        }, ns);
        var pod = Pod(ns, [new V1Volume { Name = "cfg", ConfigMap = new V1ConfigMapVolumeSource { Name = "cfg" } }],
            new V1VolumeMount { Name = "cfg", MountPath = "/etc/config" },
            new V1VolumeMount { Name = "cfg", MountPath = "/etc/color", SubPath = "color" });
        var volumes = await Prepare(pod);
        var fs = Mounted(volumes, pod.Spec.Containers[0]);

        Assert.Equal("red", fs.ReadAllText("/etc/config/color"));
        Assert.Equal([1, 2, 3], fs.ReadAllBytes("/etc/config/logo.bin"));
        Assert.Equal("..data/color", Assert.IsType<SymlinkNode>(fs.Find("/etc/config/color", followLast: false)).Target);
        Assert.Matches(@"^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\.\d+$", Assert.IsType<SymlinkNode>(fs.Find("/etc/config/..data", followLast: false)).Target);
        Assert.True(fs.IsReadOnly("/etc/config/color"));
        Assert.Equal("red", fs.ReadAllText("/etc/color"));

        Assert.Empty(await volumes.RefreshAsync(CancellationToken.None));
        var cm = await Client.CoreV1.ReadNamespacedConfigMapAsync("cfg", ns);
        cm.Data["color"] = "blue";
        await Client.CoreV1.ReplaceNamespacedConfigMapAsync(cm, "cfg", ns);
        Assert.Equal(["cfg"], await volumes.RefreshAsync(CancellationToken.None));
        Assert.Equal("blue", fs.ReadAllText("/etc/config/color"));
        Assert.Equal("red", fs.ReadAllText("/etc/color")); // the subPath mount is bound to the old file
    }

    [Fact]
    public async Task Secret_volume_has_decoded_bytes_items_and_modes()
    {
        var ns = await f.NewNamespaceAsync("secvol");
        await Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "creds" },
            Data = new Dictionary<string, byte[]> { ["password"] = Encoding.UTF8.GetBytes("s3cr3t"), ["user"] = Encoding.UTF8.GetBytes("admin") },
        }, ns);
        var pod = Pod(ns, [new V1Volume
        {
            Name = "creds",
            Secret = new V1SecretVolumeSource
            {
                SecretName = "creds", DefaultMode = 0x100, // 0400
                Items = [new V1KeyToPath { Key = "password", Path = "db/pass" }, new V1KeyToPath { Key = "user", Path = "user", Mode = 0x1B6 }],
            },
        }], new V1VolumeMount { Name = "creds", MountPath = "/secrets" });
        var fs = Mounted(await Prepare(pod), pod.Spec.Containers[0]);
        Assert.Equal("s3cr3t", fs.ReadAllText("/secrets/db/pass"));
        Assert.Equal(0x100, fs.OpenFile("/secrets/db/pass").Mode);
        Assert.Equal(0x1B6, fs.OpenFile("/secrets/user").Mode);
        Assert.Equal(["..data", "db", "user"], fs.List("/secrets").Select(e => e.Name).Where(n => !n.StartsWith("..2", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Missing_configMap_secret_or_key_fails_the_mount_with_the_kubelets_text_unless_optional()
    {
        var ns = await f.NewNamespaceAsync("missing");
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "present" }, Data = new Dictionary<string, string> { ["a"] = "1" } }, ns);
        var e = await Assert.ThrowsAsync<VolumeSetupException>(() => Prepare(Pod(ns,
        [
            new V1Volume { Name = "cfg", ConfigMap = new V1ConfigMapVolumeSource { Name = "nope" } },
            new V1Volume { Name = "creds", Secret = new V1SecretVolumeSource { SecretName = "gone" } },
            new V1Volume { Name = "keys", ConfigMap = new V1ConfigMapVolumeSource { Name = "present", Items = [new V1KeyToPath { Key = "b", Path = "b" }] } },
            new V1Volume { Name = "opt", ConfigMap = new V1ConfigMapVolumeSource { Name = "nope", Optional = true } },
        ])));
        Assert.Equal("cfg", e.VolumeName);
        Assert.Equal("FailedMount", VolumeSetupException.Reason);
        Assert.Equal(
        [
            "MountVolume.SetUp failed for volume \"cfg\" : configmap \"nope\" not found",
            "MountVolume.SetUp failed for volume \"creds\" : secret \"gone\" not found",
            "MountVolume.SetUp failed for volume \"keys\" : configmap references non-existent config key: b",
        ], e.Failures.Select(x => x.Message));
    }

    [Fact]
    public async Task EmptyDir_is_shared_by_containers_and_subPath_is_created()
    {
        var ns = await f.NewNamespaceAsync("empty");
        var pod = Pod(ns, [new V1Volume { Name = "work", EmptyDir = new V1EmptyDirVolumeSource() }],
            new V1VolumeMount { Name = "work", MountPath = "/work" });
        var reader = new V1Container { Name = "reader", VolumeMounts = [new V1VolumeMount { Name = "work", MountPath = "/in", SubPath = "logs", ReadOnlyProperty = true }] };
        var volumes = await Prepare(pod);
        var writerFs = Mounted(volumes, pod.Spec.Containers[0]);
        var readerFs = Mounted(volumes, reader);
        Assert.True(writerFs.IsDirectory("/work/logs"));
        writerFs.WriteFile("/work/logs/app.log", "hello\n");
        Assert.Equal("hello\n", readerFs.ReadAllText("/in/app.log"));
        Assert.Equal(FileSystemException.ReadOnly, Assert.Throws<FileSystemException>(() => readerFs.WriteFile("/in/x", "y")).Error);
        Assert.Equal(0x1FF, volumes.Volumes["work"].Root.Mode);
        Assert.Equal("cannot find volume \"nope\" to mount into container \"c\"",
            Assert.Throws<ContainerConfigException>(() => volumes.MountsFor(new V1Container { Name = "c", VolumeMounts = [new V1VolumeMount { Name = "nope", MountPath = "/x" }] })).Message);
    }

    [Fact]
    public async Task DownwardAPI_and_projected_volumes()
    {
        var ns = await f.NewNamespaceAsync("dapi");
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "ca" }, Data = new Dictionary<string, string> { ["ca.crt"] = "CERT" } }, ns);
        var pod = Pod(ns,
        [
            new V1Volume
            {
                Name = "info",
                DownwardAPI = new V1DownwardAPIVolumeSource
                {
                    Items =
                    [
                        new V1DownwardAPIVolumeFile { Path = "labels", FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.labels" } },
                        new V1DownwardAPIVolumeFile { Path = "name", FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.name" } },
                        new V1DownwardAPIVolumeFile { Path = "mem", ResourceFieldRef = new V1ResourceFieldSelector { ContainerName = "app", Resource = "requests.memory" } },
                    ],
                },
            },
            new V1Volume
            {
                Name = "token",
                Projected = new V1ProjectedVolumeSource
                {
                    Sources =
                    [
                        new V1VolumeProjection { ServiceAccountToken = new V1ServiceAccountTokenProjection { Path = "token", ExpirationSeconds = 3607 } },
                        new V1VolumeProjection { ConfigMap = new V1ConfigMapProjection { Name = "ca", Items = [new V1KeyToPath { Key = "ca.crt", Path = "ca.crt" }] } },
                        new V1VolumeProjection { DownwardAPI = new V1DownwardAPIProjection { Items = [new V1DownwardAPIVolumeFile { Path = "namespace", FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.namespace" } }] } },
                    ],
                },
            },
        ], new V1VolumeMount { Name = "info", MountPath = "/etc/podinfo" }, new V1VolumeMount { Name = "token", MountPath = "/var/run/secrets/kubernetes.io/serviceaccount" });
        // The token is a TokenRequest bound to the Pod: the Pod and the namespace's default ServiceAccount must exist.
        pod.Metadata.Uid = null;
        pod = await Client.CoreV1.CreateNamespacedPodAsync(pod, ns);
        for (var i = 0; i < 100 && await Objects.StatusOf(() => Client.CoreV1.ReadNamespacedServiceAccountAsync("default", ns)) == 404; i++) await Task.Delay(50);
        var fs = Mounted(await Prepare(pod), pod.Spec.Containers[0]);
        Assert.Equal("app=\"web\"\ntier=\"front\"", fs.ReadAllText("/etc/podinfo/labels"));
        Assert.Equal("web", fs.ReadAllText("/etc/podinfo/name"));
        Assert.Equal("0", fs.ReadAllText("/etc/podinfo/mem"));
        const string sa = "/var/run/secrets/kubernetes.io/serviceaccount";
        Assert.Equal("CERT", fs.ReadAllText(sa + "/ca.crt"));
        Assert.Equal(ns, fs.ReadAllText(sa + "/namespace"));
        var token = fs.ReadAllText(sa + "/token").Split('.');
        Assert.Equal(3, token.Length);
        var claims = Encoding.UTF8.GetString(Convert.FromBase64String(token[1].Replace('-', '+').Replace('_', '/').PadRight((token[1].Length + 3) / 4 * 4, '=')));
        Assert.Contains($"\"sub\":\"system:serviceaccount:{ns}:default\"", claims);
        Assert.Contains($"\"pod\":{{\"name\":\"web\",\"uid\":\"{pod.Metadata.Uid}\"}}", claims);
        var review = new JsonObject { ["apiVersion"] = "authentication.k8s.io/v1", ["kind"] = "TokenReview", ["spec"] = new JsonObject { ["token"] = fs.ReadAllText(sa + "/token") } };
        var (_, reviewed) = await f.SendAsync(HttpMethod.Post, "/apis/authentication.k8s.io/v1/tokenreviews", review.ToJsonString());
        Assert.True(reviewed!["status"]!["authenticated"]!.GetValue<bool>());
        Assert.True(fs.IsReadOnly(sa + "/token"));
    }

    [Fact]
    public async Task HostPath_and_a_bound_local_pv_share_the_nodes_files_and_unbound_claims_fail()
    {
        var ns = await f.NewNamespaceAsync("pvvol");
        var pvName = "pv-" + ns;
        await Client.CoreV1.CreatePersistentVolumeAsync(new V1PersistentVolume
        {
            Metadata = new V1ObjectMeta { Name = pvName },
            Spec = new V1PersistentVolumeSpec
            {
                AccessModes = ["ReadWriteOnce"], Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") },
                HostPath = new V1HostPathVolumeSource { Path = "/var/local-path-provisioner/" + pvName, Type = "DirectoryOrCreate" },
                ClaimRef = new V1ObjectReference { Kind = "PersistentVolumeClaim", Name = "data", NamespaceProperty = ns },
                StorageClassName = "",
                NodeAffinity = new V1VolumeNodeAffinity
                {
                    Required = new V1NodeSelector { NodeSelectorTerms = [new V1NodeSelectorTerm { MatchExpressions = [new V1NodeSelectorRequirement { Key = "kubernetes.io/hostname", OperatorProperty = "In", Values = ["k8s-course-worker2"] }] }] },
                },
            },
        });
        await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(new V1PersistentVolumeClaim
        {
            Metadata = new V1ObjectMeta { Name = "data" },
            Spec = new V1PersistentVolumeClaimSpec
            {
                AccessModes = ["ReadWriteOnce"], VolumeName = pvName, StorageClassName = "",
                Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") } },
            },
        }, ns);
        await ObservedState.Until(() => Client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("data", ns), c => c.Status?.Phase == "Bound", "claim Bound");

        var data = new VolumeData();
        var pod = Pod(ns,
        [
            new V1Volume { Name = "data", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = "data" } },
            new V1Volume { Name = "host", HostPath = new V1HostPathVolumeSource { Path = "/var/local-path-provisioner" } },
        ], new V1VolumeMount { Name = "data", MountPath = "/data" });
        var volumes = await Prepare(pod, data);
        Mounted(volumes, pod.Spec.Containers[0]).WriteFile("/data/hello.txt", "hi");
        var onNode = data.HostPath("k8s-course-worker2", "/var/local-path-provisioner/" + pvName);
        Assert.Equal("hi", Assert.IsType<RegularFile>(onNode.Get("hello.txt")).ReadText());
        Assert.NotSame(onNode, data.HostPath(Node, "/var/local-path-provisioner/" + pvName)); // the hostPath volume is this node's disk

        await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(new V1PersistentVolumeClaim
        {
            Metadata = new V1ObjectMeta { Name = "pending" },
            Spec = new V1PersistentVolumeClaimSpec
            {
                AccessModes = ["ReadWriteOnce"], StorageClassName = "no-such-class",
                Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") } },
            },
        }, ns);
        var e = await Assert.ThrowsAsync<VolumeSetupException>(() => Prepare(Pod(ns,
        [
            new V1Volume { Name = "a", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = "pending" } },
            new V1Volume { Name = "b", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = "absent" } },
        ])));
        Assert.Equal("Unable to attach or mount volumes: unmounted volumes=[a b], unattached volumes=[], failed to process volumes=[a b]: " +
            $"error processing PVC {ns}/pending: PVC is not bound; error processing PVC {ns}/absent: failed to fetch PVC from API server: " +
            "persistentvolumeclaims \"absent\" not found", e.Message);
    }
}
