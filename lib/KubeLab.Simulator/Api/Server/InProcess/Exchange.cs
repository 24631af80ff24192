using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;

namespace KubeLab.Simulator.Api.Server.InProcess;

/// <summary>
/// One request carried in memory: its HttpContext (over the features this object implements, see Exchange.Features.cs), the
/// run of the pipeline on the thread pool, and the HttpResponseMessage the client awaits. As with TestHost:
/// <list type="bullet">
/// <item>the pipeline runs on the thread pool in the server's execution context, never on the caller's stack;</item>
/// <item>the client gets the response once it has started (a watch's headers before its events) or the pipeline has finished;</item>
/// <item>an exception before the response started is thrown to the client; one after it fails the client's reads;</item>
/// <item>RequestAborted fires when the client cancels the request or disposes the response before the pipeline finished.</item>
/// </list>
/// Two things TestHost did not do: a response started inside the pipeline's first synchronous run – the single flush of every
/// small response – is handed over when that run returns, so it usually arrives complete and the client's synchronous JSON
/// read never waits for the end of the body; and StartAsync alone hands the response over (TestHost waited for a flush).
/// </summary>
internal sealed partial class Exchange : IThreadPoolWorkItem
{
    private readonly RequestDelegate pipeline;
    private readonly HttpRequestMessage request;
    private readonly TaskCompletionSource<HttpResponseMessage> response = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ResponseBuffer body = new();
    private readonly ResponseBodyWriter writer;
    private CancellationTokenRegistration clientCancellation;
    // The pool thread running the pipeline's first synchronous part (0 outside it): flushes from it do not deliver yet.
    private int runningThread;
    // 1 once the client's task is settled (response, exception or cancellation).
    private int settled;
    private volatile bool pipelineFinished;

    public Exchange(RequestDelegate pipeline, IServiceProvider services, HttpRequestMessage request, X509Certificate2? clientCertificate)
    {
        this.pipeline = pipeline;
        this.request = request;
        this.services = services;
        certificate = clientCertificate;
        writer = new ResponseBodyWriter(this, body);
        Context = new DefaultHttpContext(this);
    }

    public HttpContext Context { get; }

    /// <summary>Queues the pipeline; the task completes when the response starts or the pipeline ends.</summary>
    public Task<HttpResponseMessage> Run(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
            clientCancellation = cancellationToken.UnsafeRegister(static (s, token) => ((Exchange)s!).ClientCancelled(token), this);
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        return response.Task;
    }

    void IThreadPoolWorkItem.Execute()
    {
        Task task;
        runningThread = Environment.CurrentManagedThreadId;
        try { task = pipeline(Context); }
        catch (Exception e) { task = Task.FromException(e); }
        finally { Volatile.Write(ref runningThread, 0); }
        if (task.IsCompleted) Finish(task);
        else
        {
            // Started during the synchronous part (a watch's first flush): the client gets the response now.
            if (HasStarted) Deliver();
            _ = FinishWhenDone(task);
        }
    }

    private async Task FinishWhenDone(Task task)
    {
        await task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Finish(task);
    }

    private void Finish(Task task)
    {
        pipelineFinished = true;
        clientCancellation.Unregister();
        if (!task.IsCompletedSuccessfully) Fail(ExceptionOf(task));
        else if (!HasStarted && onStarting is not null) _ = CompleteAfterStartingAsync();
        else
        {
            MarkStarted();
            Complete();
        }
    }

    private async Task CompleteAfterStartingAsync()
    {
        try { await StartResponseAsync().ConfigureAwait(false); }
        catch (Exception) { return; } // StartResponseAsync failed the exchange with it
        Complete();
    }

    private void Complete()
    {
        body.Complete();
        Deliver();
        FireOnCompleted();
    }

    /// <summary>The pipeline (or an OnStarting callback) failed, or the application aborted the request.</summary>
    private void Fail(Exception error)
    {
        body.Fail(error);
        if (HasStarted) Deliver();
        else if (Interlocked.Exchange(ref settled, 1) == 0) response.TrySetException(error);
        CancelRequest();
        FireOnCompleted();
    }

    /// <summary>The application gave up on the response (PipeWriter.Complete with an error).</summary>
    internal void Abort(Exception error) => Fail(error);

    private static Exception ExceptionOf(Task task) =>
        task.IsCanceled ? new TaskCanceledException(task) : task.Exception!.InnerExceptions.Count == 1 ? task.Exception.InnerException! : task.Exception;

    /// <summary>Hands the client its response: status and headers as they are now (read-only once started), the body streaming on.</summary>
    private void Deliver()
    {
        if (Interlocked.Exchange(ref settled, 1) != 0) return;
        var content = new ResponseContent(body, this);
        var message = new HttpResponseMessage((HttpStatusCode)statusCode) { RequestMessage = request, Version = request.Version, Content = content };
        if (reasonPhrase is not null) message.ReasonPhrase = reasonPhrase;
        foreach (var (name, values) in responseHeaders)
        {
            // Content-Type, Content-Length… are content headers: HttpResponseHeaders refuses them.
            if (values.Count == 1)
            {
                if (!message.Headers.TryAddWithoutValidation(name, values[0])) content.Headers.TryAddWithoutValidation(name, values[0]);
            }
            else if (!message.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
                content.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }
        response.TrySetResult(message);
    }

    // ---- response start and flushes (called by the application's writes) ----

    internal ValueTask<System.IO.Pipelines.FlushResult> FlushAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled<System.IO.Pipelines.FlushResult>(cancellationToken);
        if (!HasStarted)
        {
            var starting = StartResponseAsync();
            if (!starting.IsCompletedSuccessfully) return FlushAfterStartingAsync(starting, cancellationToken);
        }
        var wait = body.Commit();
        // The client must read before this flush can finish: it needs the response now, first synchronous part or not.
        if (wait is not null) Deliver();
        else DeliverUnlessInFirstRun();
        return wait is null ? new(new System.IO.Pipelines.FlushResult(false, body.ReaderGone)) : WaitForRoomAsync(wait, cancellationToken);
    }

    /// <summary>
    /// A started response goes to the client now, unless the pipeline's first synchronous part is still running: then it goes
    /// when that part returns, complete if the pipeline finished in it.
    /// </summary>
    private void DeliverUnlessInFirstRun()
    {
        if (Volatile.Read(ref runningThread) != Environment.CurrentManagedThreadId) Deliver();
    }

    private async ValueTask<System.IO.Pipelines.FlushResult> FlushAfterStartingAsync(ValueTask starting, CancellationToken cancellationToken)
    {
        await starting.ConfigureAwait(false);
        return await FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<System.IO.Pipelines.FlushResult> WaitForRoomAsync(Task<bool> wait, CancellationToken cancellationToken)
    {
        var cancelled = await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new(cancelled, body.ReaderGone);
    }

    /// <summary>OnStarting callbacks (last registered first), then status and headers are frozen.</summary>
    private ValueTask StartResponseAsync()
    {
        if (HasStarted) return default;
        if (onStarting is null)
        {
            MarkStarted();
            return default;
        }
        return new(FireOnStartingAsync());
    }

    private async Task FireOnStartingAsync()
    {
        var callbacks = onStarting!;
        onStarting = null;
        try
        {
            for (var i = callbacks.Count - 1; i >= 0; i--) await callbacks[i].Callback(callbacks[i].State).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Not started yet when failing: the client gets the exception, as from TestHost.
            Fail(e);
            MarkStarted();
            throw;
        }
        MarkStarted();
    }

    private void MarkStarted()
    {
        if (HasStarted) return;
        responseHeaders.IsReadOnly = true;
        HasStarted = true;
    }

    private void FireOnCompleted()
    {
        var callbacks = Interlocked.Exchange(ref onCompleted, null);
        if (callbacks is not null) _ = FireOnCompletedAsync(callbacks);
    }

    private static async Task FireOnCompletedAsync(List<(Func<object, Task> Callback, object State)> callbacks)
    {
        for (var i = callbacks.Count - 1; i >= 0; i--)
        {
            // Like Kestrel: the response is over, a failing callback has no one left to tell.
            try { await callbacks[i].Callback(callbacks[i].State).ConfigureAwait(false); }
            catch (Exception) { }
        }
    }

    // ---- the client going away ----

    /// <summary>The token the client passed to SendAsync, while the pipeline runs (TestHost's ClientInitiatedAbort).</summary>
    private void ClientCancelled(CancellationToken token)
    {
        if (Interlocked.Exchange(ref settled, 1) == 0) response.TrySetCanceled(token);
        body.DisposeReader();
        if (!pipelineFinished) CancelRequest();
    }

    /// <summary>The client disposed the response (its content or body stream): a pipeline still running sees RequestAborted.</summary>
    internal void ClientDisposed()
    {
        if (body.DisposeReader() && !pipelineFinished) CancelRequest();
    }
}
