/**
 * A Vigil node: the wiring of storage, security, the SOAP engine and its services, the HTTP
 * front end and its listeners, and discovery. The only place where components meet.
 */
import { randomUUID } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import type { Http2SecureServer } from 'node:http2';
import { readFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { VigilConfig } from '../config/schema.js';
import { boundPort, closeConnections, listenHttp, listenHttps } from '../northbound/http/servers.js';
import { HttpFrontend } from '../northbound/http/frontend.js';
import { RtspServer } from '../northbound/rtsp/server.js';
import type { LiveSourceDirectory, MulticastControl } from '../media/live.js';
import { DiscoveryResponder } from '../northbound/discovery/responder.js';
import { Authenticator } from '../security/authenticator.js';
import { ensureNodePki } from '../security/pki/store.js';
import { generatePassword } from '../security/secrets.js';
import { createDeviceService } from '../services/device/index.js';
import { EventBroker } from '../events/broker.js';
import { createEventService, type EventService } from '../services/events/index.js';
import { SoapEngine } from '../soap/engine.js';
import { AuditLog } from '../storage/audit.js';
import { openDatabase, type Db } from '../storage/db.js';
import { SettingsStore } from '../storage/settings.js';
import { UserStore, validatePassword } from '../storage/users.js';
import { NodeClock } from './clock.js';
import { loadSecretBox, prepareDataDir, type DataDir } from './data-dir.js';
import { onvifScope, ScopeStore } from './scopes.js';
import { hostSystemInfo } from './system-info.js';
import { TokenMap } from './tokens.js';
import { MediaModel } from '../media/model/model.js';
import { mediaDirectory } from '../media/model/directory.js';
import { settingsMediaStore } from '../media/model/store.js';
import { addSimulatedCameras } from '../southbound/simulated/index.js';
import { createResourceQueries, type ResourceQueries } from '../resources/index.js';
import { onvifScopeUri } from '../resources/media-binding.js';
import { CameraControl } from './camera-control.js';
import { listenControl, type ControlServer } from './control-socket.js';
import { motionAlarmPublisher } from '../southbound/simulated/motion-events.js';
import { realTimers } from '../southbound/simulated/source.js';
import { SNAPSHOT_PATH_PREFIX, type MediaDeps } from '../services/media2/deps.js';
import { createMedia2Service } from '../services/media2/index.js';
import { snapshotRoute } from '../services/media2/snapshot-route.js';
import { createMediaService } from '../services/media/index.js';

export interface StartOptions {
  /** Initial admin password (VIGIL_ADMIN_PASSWORD); generated when absent. Used on first start only. */
  adminPassword?: string | undefined;
}

export interface FirstStartCredentials {
  username: string;
  password: string;
  generated: boolean;
}

export class VigilNode {
  readonly config: VigilConfig;
  readonly log: Logger;
  readonly db: Db;
  readonly users: UserStore;
  readonly audit: AuditLog;
  readonly engine: SoapEngine;
  readonly frontend: HttpFrontend;
  /** Live streaming: RTSP(S), RTSP over HTTP(S) tunnels and WebSocket, multicast (media plane: rtsp.registry). */
  readonly rtsp: RtspServer;
  readonly settings: SettingsStore;
  /** The event broker: producers declare topics and publish here (see src/events/broker.ts). */
  readonly events: EventBroker;
  readonly #eventService: EventService;
  /** Remote tokens (IEC 62676-2-33 §6): the one place tokens are minted and resolved. */
  readonly tokens: TokenMap;
  /** The media model: camera registry, profiles, configurations (change events: media.on). */
  readonly media: MediaModel;
  /** Resource queries (IEC 62676-2-33 §7): the resource registry behind tns1:Resource/… events. */
  readonly resources: ResourceQueries;
  /** Cameras at run time: configuration reload (SIGHUP) and `vigil cameras …` (control socket). */
  readonly cameras: CameraControl;
  #control: ControlServer | undefined;
  readonly #dataDir: string;
  readonly caCertPem: string;
  readonly endpointReference: string;
  /** Set on the first start only: the admin account that was created. */
  readonly firstStart: FirstStartCredentials | undefined;
  http: HttpServer | undefined;
  https: Http2SecureServer | undefined;
  discovery: DiscoveryResponder | undefined;
  #rebootHandler: (() => void) | undefined;
  #closed = false;
  readonly #tls: { certPem: string; keyPem: string; clientCaPem: string };

  private constructor(config: VigilConfig, log: Logger, opts: StartOptions, dir: DataDir, pki: NodePki) {
    this.config = config;
    this.log = log;
    const box = loadSecretBox(dir);
    this.db = openDatabase(dir.dbFile);
    this.settings = new SettingsStore(this.db);
    this.users = new UserStore(this.db, box);
    this.audit = new AuditLog(this.db, { onWriterError: (err) => log.error({ err }, 'audit writer thread failed; writing the audit log on the main thread') });
    this.tokens = new TokenMap(this.db);
    this.firstStart = this.#ensureAdmin(opts.adminPassword);

    this.endpointReference = this.settings.get<string | null>('endpointReference', null) ?? `urn:uuid:${randomUUID()}`;
    this.settings.set('endpointReference', this.endpointReference);

    this.caCertPem = pki.caCertPem;
    this.#tls = {
      certPem: config.tls.certFile ? readFileSync(config.tls.certFile, 'utf8') : pki.serverCertPem,
      keyPem: config.tls.keyFile ? readFileSync(config.tls.keyFile, 'utf8') : pki.serverKeyPem,
      clientCaPem: config.tls.clientCaFile ? readFileSync(config.tls.clientCaFile, 'utf8') : pki.caCertPem,
    };

    const clock = new NodeClock(this.settings);
    const auth = new Authenticator(this.users, { realm: config.auth.realm, usernameTokenWindowMs: config.auth.usernameTokenWindowSeconds * 1000 }, () => clock.now());
    this.engine = new SoapEngine(auth, this.audit, log.child({ component: 'soap' }));
    this.frontend = new HttpFrontend(this.engine, log.child({ component: 'http' }));
    this.rtsp = new RtspServer({
      authenticator: auth,
      audit: this.audit,
      log: log.child({ component: 'rtsp' }),
      serverName: `Vigil/${VERSION}`,
      now: () => clock.now(),
      hub: { now: () => clock.now(), cname: `vigil@${hostname()}` },
      multicastInterface: isIPv4(config.listen) && config.listen !== '0.0.0.0' ? config.listen : undefined,
    });
    this.frontend.setConnectionSniffer(this.rtsp.tunnels.sniff);

    const scopes = new ScopeStore(
      this.settings,
      [onvifScope('hardware', config.device.model), onvifScope('Profile', 'Streaming')],
      [onvifScope('name', config.device.name), ...(config.device.location ? [onvifScope('location', config.device.location)] : [])],
    );
    scopes.onChange(() => this.discovery?.hello());
    this.engine.register(
      createDeviceService({
        info: {
          manufacturer: config.device.manufacturer,
          model: config.device.model,
          firmwareVersion: VERSION,
          serialNumber: config.device.serialNumber ?? this.endpointReference.slice(-12),
          hardwareId: config.device.hardwareId,
        },
        endpointReference: this.endpointReference,
        settings: this.settings,
        users: this.users,
        clock,
        scopes,
        system: hostSystemInfo,
        ports: () => ({ http: this.httpPort, https: this.httpsPort, rtsp: this.rtspPort }),
        services: () => this.engine.services(),
        defaultHost: hostname(),
        requestReboot: () => this.#rebootHandler?.(),
      }),
    );
    this.#scopes = scopes;

    this.events = new EventBroker({ onSinkError: (err) => log.error({ err }, 'event subscriber failed') });
    this.#eventService = createEventService({ broker: this.events, now: () => clock.now(), defaultHost: hostname(), log: log.child({ component: 'events' }) });
    this.engine.register(this.#eventService.soap);

    // Media: the camera registry and media model, the simulated cameras (the embedded default
    // when `cameras` is absent), Media2 and Media services, snapshots, the RTSP live directory.
    this.media = new MediaModel(this.tokens, settingsMediaStore(this.settings));
    const publishMotion = motionAlarmPublisher(this.events, (id) => {
      const cam = this.media.camera(id);
      return cam ? this.media.videoSourceToken(cam) : undefined;
    });
    const simulated = { timers: realTimers(() => clock.now()), onMotion: publishMotion };
    this.cameras = new CameraControl(this.media, (specs) => void addSimulatedCameras(this.media, specs, simulated));
    this.cameras.applyConfig(config.cameras);
    // After the cameras: the registry enumerates them once, without one event per resource.
    this.resources = createResourceQueries({
      broker: this.events,
      model: this.media,
      now: () => clock.now(),
      sharedScopes: config.device.location ? [onvifScopeUri('location', ...config.device.location.split('/').filter(Boolean))] : [],
    });
    this.#dataDir = dir.root;
    const mediaDeps: MediaDeps = {
      model: this.media,
      ports: () => ({ http: this.httpPort, https: this.httpsPort, rtsp: this.rtspPort, rtsps: this.rtspsPort }),
      defaultHost: hostname(),
      now: () => clock.now(),
      timeZone: () => clock.settings.timeZone,
      multicast: () => this.multicast,
    };
    this.engine.register(createMedia2Service(mediaDeps));
    this.engine.register(createMediaService(mediaDeps));
    this.frontend.addRoute(SNAPSHOT_PATH_PREFIX, snapshotRoute(mediaDeps, auth));
    this.setLiveDirectory(mediaDirectory(this.media));
  }

  readonly #scopes: ScopeStore;

  static async start(config: VigilConfig, log: Logger, opts: StartOptions = {}): Promise<VigilNode> {
    const dir = prepareDataDir(config.dataDir);
    const pki = await ensureNodePki(dir.pkiDir, {
      hostnames: [...new Set(['localhost', hostname(), ...config.tls.hostnames])],
      ips: ['127.0.0.1', '::1'],
    });
    const node = new VigilNode(config, log, opts, dir, pki);
    try {
      await node.#listen();
    } catch (err) {
      await node.stop();
      throw err;
    }
    return node;
  }

  async #listen(): Promise<void> {
    const c = this.config;
    if (c.http.enabled) this.http = await listenHttp(this.frontend, c.listen, c.http.port);
    if (c.https.enabled) {
      this.https = await listenHttps(this.frontend, c.listen, c.https.port, {
        certPem: this.#tls.certPem,
        keyPem: this.#tls.keyPem,
        clientCaPem: this.#tls.clientCaPem,
        clientCertMode: c.tls.clientCertMode,
      });
    }
    await this.rtsp.listen({
      host: c.listen,
      port: c.rtsp.port,
      tls:
        c.rtsp.tlsPort === undefined
          ? undefined
          : { port: c.rtsp.tlsPort, certPem: this.#tls.certPem, keyPem: this.#tls.keyPem, clientCaPem: this.#tls.clientCaPem, clientCertMode: c.tls.clientCertMode },
    });
    try {
      this.#control = await listenControl(this.#dataDir, (req) => this.cameras.handle(req));
    } catch (err) {
      this.log.warn({ err }, '`vigil cameras` unavailable: control socket not created');
    }
    if (c.discovery.enabled) {
      this.discovery = new DiscoveryResponder({
        endpointReference: this.endpointReference,
        types: () => ['dn:NetworkVideoTransmitter', 'tds:Device'],
        scopes: () => this.#scopes.items(),
        xaddrs: (localAddress?: string) => {
          const ports = [this.httpPort && `http://${localAddress}:${this.httpPort}`, this.httpsPort && `https://${localAddress}:${this.httpsPort}`];
          return localAddress ? ports.filter(Boolean).map((b) => `${b}/onvif/device_service`) : this.urls();
        },
        discoverable: () => this.settings.get('discoveryMode', 'Discoverable') === 'Discoverable',
        log: this.log.child({ component: 'discovery' }),
        port: c.discovery.port,
        bindAddress: c.listen,
        multicast: c.discovery.multicast,
      });
      try {
        await this.discovery.start();
      } catch (err) {
        this.log.warn({ err }, 'WS-Discovery unavailable (UDP 3702 in use?); continuing without it');
        this.discovery = undefined;
      }
    }
  }

  get httpPort(): number | undefined {
    return this.http ? boundPort(this.http) : undefined;
  }

  get rtspPort(): number | undefined {
    return this.rtsp.port;
  }

  /** RTSPS port (rtsp.tlsPort), undefined when RTSPS is off. */
  get rtspsPort(): number | undefined {
    return this.rtsp.tlsPort;
  }

  /**
   * Plugs in what resolves media profiles to live sources (the media service side). Until then
   * every stream URI answers 404. A directory may also implement `multicastGroup(token, track)`
   * (northbound/rtsp/multicast.ts MulticastDirectory) to give the profiles' multicast groups.
   */
  setLiveDirectory(directory: LiveSourceDirectory | undefined): void {
    this.rtsp.setDirectory(directory);
  }

  /** Multicast streaming control for Media2 Start/StopMulticastStreaming. */
  get multicast(): MulticastControl {
    return this.rtsp.multicast;
  }

  get httpsPort(): number | undefined {
    return this.https ? boundPort(this.https) : undefined;
  }

  /** The device service URLs a client can use. */
  urls(): string[] {
    const host = this.config.listen === '0.0.0.0' || this.config.listen === '::' ? hostname() : this.config.listen;
    const out: string[] = [];
    if (this.httpPort !== undefined) out.push(`http://${host}:${this.httpPort}/onvif/device_service`);
    if (this.httpsPort !== undefined) out.push(`https://${host}:${this.httpsPort}/onvif/device_service`);
    return out;
  }

  onReboot(fn: () => void): void {
    this.#rebootHandler = fn;
  }

  get closed(): boolean {
    return this.#closed;
  }

  async stop(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#control?.close();
    this.resources.close();
    this.#eventService.close();
    this.media.close();
    await this.discovery?.close().catch(() => undefined);
    await this.rtsp.close();
    await Promise.all([closeServer(this.http), closeServer(this.https)]);
    await this.audit.close();
    if (this.db.open) this.db.close();
  }

  #ensureAdmin(envPassword: string | undefined): FirstStartCredentials | undefined {
    if (this.users.count() > 0) return undefined;
    let password = envPassword;
    const generated = password === undefined || password === '';
    if (generated) password = generatePassword();
    else validatePassword(password!);
    this.users.create([{ username: 'admin', password: password!, level: 'Administrator' }]);
    return { username: 'admin', password: password!, generated };
  }
}

export const VERSION = '0.1.0';

function closeServer(server: HttpServer | Http2SecureServer | undefined): Promise<void> {
  if (!server) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Keep-alive connections and HTTP/2 sessions would hold close() open; end them.
    closeConnections(server);
  });
}

interface NodePki {
  caCertPem: string;
  serverCertPem: string;
  serverKeyPem: string;
}
