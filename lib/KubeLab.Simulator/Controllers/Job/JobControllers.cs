using k8s;
using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;
using KubeLab.Simulator.Controllers.CronJob;
using KubeLab.Simulator.Controllers.TtlAfterFinished;

namespace KubeLab.Simulator.Controllers.Job;

/// <summary>
/// Wires the batch controllers into the control plane: a Job informer and a CronJob informer (LIST + WATCH like the others),
/// the <see cref="JobController"/>, the <see cref="CronJobController"/> and the <see cref="TtlAfterFinishedController"/>. Called by <see cref="ControllerManager"/>.
/// </summary>
internal static class JobControllers
{
    public static void Start(ControllerClientBuilder clients, Informer<V1Pod, V1PodList> pods, TimeProvider time, int watchTimeoutSeconds,
        Action<Task> run, CancellationToken ct)
    {
        var client = clients.Root; // the shared informers: kube-controller-manager's own credentials
        var jobs = new Informer<V1Job, V1JobList>("jobs",
            c => client.BatchV1.ListJobForAllNamespacesAsync(cancellationToken: c),
            InformerWatch.For<V1Job, V1JobList>(client, "apis/batch/v1/jobs", watchTimeoutSeconds), time);
        var cronJobs = new Informer<V1CronJob, V1CronJobList>("cronjobs",
            c => client.BatchV1.ListCronJobForAllNamespacesAsync(cancellationToken: c),
            InformerWatch.For<V1CronJob, V1CronJobList>(client, "apis/batch/v1/cronjobs", watchTimeoutSeconds), time);
        var jobController = new JobController(clients.ClientFor("job-controller"), jobs, pods, time);
        var cronJobController = new CronJobController(clients.ClientFor("cronjob-controller"), cronJobs, jobs, time);
        var ttlController = new TtlAfterFinishedController(clients.ClientFor("ttl-after-finished-controller"), jobs, time);
        run(jobs.RunAsync(ct));
        run(cronJobs.RunAsync(ct));
        run(jobController.RunAsync(2, ct));
        run(cronJobController.RunAsync(5, ct)); // kube-controller-manager's --concurrent-cron-job-syncs default: CronJobs due together start together
        run(ttlController.RunAsync(ct));
    }
}
