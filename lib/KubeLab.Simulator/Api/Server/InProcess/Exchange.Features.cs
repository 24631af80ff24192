using System.Collections;
using System.IO.Pipelines;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace KubeLab.Simulator.Api.Server.InProcess;

/// <summary>
/// The request's feature collection: the exchange itself implements the features a server provides, so the HttpContext costs
/// one DefaultHttpContext and no per-feature objects or dictionary. Features the HttpContext adds on demand (query, items, a
/// connection feature…) go to a small array searched before them. What TestHost set, its defaults (status 200,
/// AllowSynchronousIO false, no remote address) and its checks (no status or header change once started) are kept.
/// </summary>
internal sealed partial class Exchange : IFeatureCollection, IHttpRequestFeature, IHttpResponseFeature, IHttpResponseBodyFeature,
    IHttpRequestLifetimeFeature, IHttpBodyControlFeature, IHttpRequestBodyDetectionFeature, ITlsConnectionFeature, IServiceProvidersFeature
{
    private static readonly Task<X509Certificate2?> NoCertificate = Task.FromResult<X509Certificate2?>(null);

    private IServiceProvider services;
    private X509Certificate2? certificate;

    // ---- IFeatureCollection ----

    private KeyValuePair<Type, object?>[]? added;
    private int addedCount;
    private int revision;

    bool IFeatureCollection.IsReadOnly => false;

    int IFeatureCollection.Revision => revision;

    object? IFeatureCollection.this[Type key]
    {
        get
        {
            for (var i = 0; i < addedCount; i++)
                if (added![i].Key == key) return added[i].Value;
            return Own(key);
        }
        set
        {
            revision++;
            for (var i = 0; i < addedCount; i++)
                if (added![i].Key == key)
                {
                    added[i] = new(key, value);
                    return;
                }
            if (value is null && Own(key) is null) return;
            if (added is null) added = new KeyValuePair<Type, object?>[4];
            else if (addedCount == added.Length) Array.Resize(ref added, addedCount * 2);
            added[addedCount++] = new(key, value);
        }
    }

    TFeature? IFeatureCollection.Get<TFeature>() where TFeature : default =>
        ((IFeatureCollection)this)[typeof(TFeature)] is TFeature feature ? feature : default;

    void IFeatureCollection.Set<TFeature>(TFeature? instance) where TFeature : default =>
        ((IFeatureCollection)this)[typeof(TFeature)] = instance;

    private static readonly Type[] OwnTypes =
    [
        typeof(IHttpRequestFeature), typeof(IHttpResponseFeature), typeof(IHttpResponseBodyFeature), typeof(IHttpRequestLifetimeFeature),
        typeof(IHttpBodyControlFeature), typeof(IHttpRequestBodyDetectionFeature), typeof(IServiceProvidersFeature), typeof(ITlsConnectionFeature),
    ];

    // Also a TLS connection feature without a certificate: HttpContext.Connection would otherwise add an empty one when asked.
    private object? Own(Type key) =>
        key == typeof(IHttpRequestFeature) || key == typeof(IHttpResponseFeature) || key == typeof(IHttpResponseBodyFeature)
        || key == typeof(IHttpRequestLifetimeFeature) || key == typeof(IHttpBodyControlFeature) || key == typeof(IHttpRequestBodyDetectionFeature)
        || key == typeof(IServiceProvidersFeature) || key == typeof(ITlsConnectionFeature) ? this : null;

    IEnumerator<KeyValuePair<Type, object>> IEnumerable<KeyValuePair<Type, object>>.GetEnumerator()
    {
        var features = (IFeatureCollection)this;
        foreach (var type in OwnTypes)
            if (features[type] is { } feature && Own(type) == feature) yield return new(type, feature);
        for (var i = 0; i < addedCount; i++)
            if (added![i].Value is { } feature) yield return new(added[i].Key, feature);
    }

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<KeyValuePair<Type, object>>)this).GetEnumerator();

    // ---- the request ----

    private string protocol = "HTTP/1.1", scheme = "http", method = "GET", pathBase = "", path = "", queryString = "", rawTarget = "";
    private IHeaderDictionary requestHeaders = null!; // sized by the handler to the request's headers
    private Stream requestBody = Stream.Null;
    private bool canHaveBody;

    string IHttpRequestFeature.Protocol { get => protocol; set => protocol = value; }
    string IHttpRequestFeature.Scheme { get => scheme; set => scheme = value; }
    string IHttpRequestFeature.Method { get => method; set => method = value; }
    string IHttpRequestFeature.PathBase { get => pathBase; set => pathBase = value; }
    string IHttpRequestFeature.Path { get => path; set => path = value; }
    string IHttpRequestFeature.QueryString { get => queryString; set => queryString = value; }
    string IHttpRequestFeature.RawTarget { get => rawTarget; set => rawTarget = value; }
    IHeaderDictionary IHttpRequestFeature.Headers { get => requestHeaders; set => requestHeaders = value; }
    Stream IHttpRequestFeature.Body { get => requestBody; set => requestBody = value; }

    bool IHttpRequestBodyDetectionFeature.CanHaveBody => canHaveBody;

    /// <summary>The request content's bytes (a request without content, or with Content-Length 0, reads as empty).</summary>
    internal void SetRequestBody(Stream content)
    {
        requestBody = content;
        canHaveBody = true;
    }

    X509Certificate2? ITlsConnectionFeature.ClientCertificate { get => certificate; set => certificate = value; }

    Task<X509Certificate2?> ITlsConnectionFeature.GetClientCertificateAsync(CancellationToken cancellationToken) =>
        certificate is null ? NoCertificate : Task.FromResult<X509Certificate2?>(certificate);

    IServiceProvider IServiceProvidersFeature.RequestServices { get => services; set => services = value; }

    bool IHttpBodyControlFeature.AllowSynchronousIO { get; set; }

    internal bool AllowSynchronousIO => ((IHttpBodyControlFeature)this).AllowSynchronousIO;

    // ---- request lifetime ----

    private CancellationTokenSource? abortSource; // made when someone first asks for RequestAborted
    private bool requestAborted;
    private CancellationToken? requestAbortedSet;

    CancellationToken IHttpRequestLifetimeFeature.RequestAborted
    {
        get
        {
            if (requestAbortedSet is { } set) return set;
            lock (this)
            {
                if (abortSource is null)
                {
                    if (requestAborted) return new CancellationToken(true);
                    abortSource = new CancellationTokenSource();
                }
                return abortSource.Token;
            }
        }
        set => requestAbortedSet = value;
    }

    void IHttpRequestLifetimeFeature.Abort() => Fail(new Exception("The application aborted the request."));

    private void CancelRequest()
    {
        CancellationTokenSource? source;
        lock (this)
        {
            if (requestAborted) return;
            requestAborted = true;
            source = abortSource;
        }
        // Callbacks (the application's own) run here; one that throws must not break the client's dispose or cancel.
        try { source?.Cancel(); }
        catch (AggregateException) { }
    }

    // ---- the response ----

    private readonly HeaderDictionary responseHeaders = new();
    private int statusCode = 200;
    private string? reasonPhrase;
    private volatile bool hasStarted;
    private List<(Func<object, Task> Callback, object State)>? onStarting, onCompleted;
    private Stream? responseStream;

    public bool HasStarted { get => hasStarted; private set => hasStarted = value; }

    int IHttpResponseFeature.StatusCode
    {
        get => statusCode;
        set
        {
            if (HasStarted) throw new InvalidOperationException("The status code cannot be set: the response has already started.");
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 100);
            statusCode = value;
        }
    }

    string? IHttpResponseFeature.ReasonPhrase
    {
        get => reasonPhrase;
        set
        {
            if (HasStarted) throw new InvalidOperationException("The reason phrase cannot be set: the response has already started.");
            reasonPhrase = value;
        }
    }

    IHeaderDictionary IHttpResponseFeature.Headers { get => responseHeaders; set => throw new NotSupportedException("The response headers cannot be replaced."); }

    Stream IHttpResponseFeature.Body { get => ((IHttpResponseBodyFeature)this).Stream; set => responseStream = value; }

    void IHttpResponseFeature.OnStarting(Func<object, Task> callback, object state)
    {
        if (HasStarted) throw new InvalidOperationException("The response has already started.");
        (onStarting ??= []).Add((callback, state));
    }

    void IHttpResponseFeature.OnCompleted(Func<object, Task> callback, object state) => (onCompleted ??= []).Add((callback, state));

    Stream IHttpResponseBodyFeature.Stream => responseStream ??= new ResponseBodyStream(writer, this);

    PipeWriter IHttpResponseBodyFeature.Writer => writer;

    void IHttpResponseBodyFeature.DisableBuffering() { }

    Task IHttpResponseBodyFeature.StartAsync(CancellationToken cancellationToken)
    {
        var starting = StartResponseAsync();
        if (!starting.IsCompletedSuccessfully) return StartThenDeliverAsync(starting);
        DeliverUnlessInFirstRun();
        return Task.CompletedTask;
    }

    private async Task StartThenDeliverAsync(ValueTask starting)
    {
        await starting.ConfigureAwait(false);
        DeliverUnlessInFirstRun();
    }

    Task IHttpResponseBodyFeature.SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken) =>
        SendFileFallback.SendFileAsync(((IHttpResponseBodyFeature)this).Stream, path, offset, count, cancellationToken);

    // As TestHost: the body ends when the pipeline returns.
    Task IHttpResponseBodyFeature.CompleteAsync() => Task.CompletedTask;
}
