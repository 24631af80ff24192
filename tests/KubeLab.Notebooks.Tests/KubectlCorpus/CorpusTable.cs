namespace KubeLab.Notebooks.Tests.KubectlCorpus;

/// <summary>THE one place that says how each command of the course's prose is run against the simulator: placeholders and their
/// real objects, whole-command rewrites for prose that names a command without its arguments, the commands the prose shows failing
/// on purpose, and the commands that need kind (with the reason). A command the extractor finds that this table cannot run and does
/// not list fails <see cref="KubectlCorpusTests"/>; so does an entry here that no longer matches any command (stale).</summary>
public static class CorpusTable
{
    /// <summary>Which chapter's objects (and namespace <c>lab-&lt;chapter&gt;</c>) a README's commands use.</summary>
    public static string ChapterOfReadme(string file) => file switch
    {
        "lib/KubeLab.Simulator/Metrics/README.md" => "06-autoscaling",
        "lib/KubeLab.Simulator/Clock/README.md" => "04-jobs-and-cronjobs",
        _ => "01-pods",
    };

    /// <summary>Placeholders in the prose → real names of objects the chapter creates ("*" = any chapter). A value
    /// <c>pod-with-label:SELECTOR</c> is resolved on the cluster when the command runs (pods of a ReplicaSet have generated names).</summary>
    public static readonly IReadOnlyDictionary<(string Chapter, string Placeholder), string> Substitutions = new Dictionary<(string, string), string>
    {
        [("*", "<namespace>")] = "{namespace}",
        [("*", "<ns>")] = "{namespace}",
        [("*", "artifacts/kubeconfig-sim.yaml")] = "{kubeconfig}",      // README: the kubeconfig `kubelab sim` writes
        [("01-pods", "<pod>")] = "web-with-sidecar",
        [("02-replicasets", "<name>")] = "pod-with-label:app=web",      // "debugging a misbehaving replica": one of ReplicaSet web's pods
        [("03-deployments", "<name>")] = "web",
        [("03-deployments", "<image>")] = "nginx:1.27.1",
        [("03-deployments", "[--to-revision=N]")] = "--to-revision=2",  // revision 2 = the chapter's `set image` to nginx:1.27.1
        [("05-daemonsets-and-statefulsets", "<node>")] = "k8s-course-worker2", // the worker the chapter taints and labels
        [("12-cluster-resources", "<node>")] = "k8s-course-worker",      // the chapter cordons/drains a worker and uncordons it again
    };

    /// <summary>Prose that names a command without all its arguments (`kubectl logs`, `kubectl get pods --selector=…`) →
    /// the complete command the chapter means, run instead. Key: "chapter|text" for one chapter, or the text for every chapter.</summary>
    public static readonly IReadOnlyDictionary<string, string> Rewrites = new Dictionary<string, string>
    {
        ["00-introduction|kubectl logs"] = "kubectl logs hello",
        ["00-introduction|kubectl exec"] = "kubectl exec hello -- cat /etc/hostname",
        ["01-pods|kubectl logs"] = "kubectl logs web-with-sidecar -c web",
        ["01-pods|kubectl logs -f"] = "kubectl logs -f web-with-sidecar -c web",
        ["01-pods|kubectl exec"] = "kubectl exec web-with-sidecar -c log-shipper -- wget -qO- http://localhost:80",
        ["01-pods|kubectl get --raw …/proxy"] = "kubectl get --raw /api/v1/namespaces/lab-01-pods/pods/web-with-sidecar:80/proxy/",
        ["01-pods|kubectl apply --server-side"] = "kubectl apply --server-side -f manifests/01-pods/web-with-sidecar.yaml",
        ["01-pods|kubectl rollout status"] = "kubectl rollout status deployment/web-recreate -n lab-03-deployments",
        ["02-replicasets|kubectl --selector"] = "kubectl get pods --selector='app=api,env in (prod,staging),tier'",
        ["02-replicasets|kubectl get pods --selector=…"] = "kubectl get pods --selector='env notin (prod)'",
        ["03-deployments|kubectl rollout history"] = "kubectl rollout history deployment/web",
        ["03-deployments|kubectl rollout status"] = "kubectl rollout status deployment/web-recreate",
        ["03-deployments|kubectl rollout undo"] = "kubectl rollout undo deployment/web",
        ["03-deployments|kubectl rollout restart"] = "kubectl rollout restart deployment/web",
        ["04-jobs-and-cronjobs|kubectl delete job"] = "kubectl delete job batch",
        ["06-autoscaling|kubectl scale"] = "kubectl scale deployment/consumer --replicas=2",
        ["06-autoscaling|kubectl top"] = "kubectl top pods",
        // The pipe to base64 -d is the shell's part; kubectl's part is the jsonpath read.
        ["10-configmaps-and-secrets|kubectl get secret db -o jsonpath='{.data.password}' | base64 -d"] = "kubectl get secret db -o jsonpath={.data.password}",
        // The one-liner itself runs from the chapter's fenced block (and creates HPA web); the bare name is checked without creating it again.
        // The corpus cluster holds every chapter's objects at once: a full drain would evict other chapters' bare pods (or refuse
        // them without --force). --pod-selector confines it to this chapter's web pods (held back by their PDB); the node is still
        // cordoned, and the prose's next command uncordons it. The timeout bounds the PDB retries.
        ["12-cluster-resources|kubectl drain <node> --ignore-daemonsets --delete-emptydir-data"] =
            "kubectl drain k8s-course-worker --ignore-daemonsets --delete-emptydir-data --pod-selector=lab=cluster-resources --timeout=25s",
        ["06-autoscaling|kubectl autoscale"] = "kubectl autoscale deployment web --min=2 --max=6 --cpu-percent=60 --dry-run=client",
    };

    /// <summary>Commands the prose shows failing on purpose → text their output must contain (exit code non-zero).</summary>
    public static readonly IReadOnlyDictionary<string, string> ExpectedFailures = new Dictionary<string, string>
    {
        // 01: "A container that never started has no log either … refused by the API server with 400 Bad Request".
        ["kubectl logs broken-image"] = "Error from server (BadRequest): container \"app\" in pod \"broken-image\" is waiting to start",
        // 13: "the first answers yes, the second no" – auth can-i exits 1 when the answer is no.
        ["kubectl auth can-i delete pods -n lab-13-access-control --as=system:serviceaccount:lab-13-access-control:reader"] = "no",
    };

    /// <summary>Commands that need a real (kind) cluster, with the reason. Printed by the test; never run.</summary>
    public static readonly IReadOnlyDictionary<string, string> NeedsKind = new Dictionary<string, string>
    {
        ["kubectl attach"] = "the README names it as not modelled: attach needs the container's live stdin/stdout stream",
    };
}
