import {
  BadRequestException,
  Body,
  Controller,
  ForbiddenException,
  Get,
  HttpCode,
  Post,
  Req,
  Res,
  UnauthorizedException,
  UnsupportedMediaTypeException,
  UseGuards,
} from '@nestjs/common';
import { AccountsService, PasswordsService, passwordProblem } from '@platewise/domain';
import { AppConfig } from '@platewise/infra';
import type { Request, Response } from 'express';
import { SignInDto, SignOutDto, SignUpDto } from './session.dto';
import { LoginThrottle } from './login-throttle';
import { clearSessionCookie, secureCookies, setSessionCookie } from './session-cookie';
import { CurrentSession, isCrossSite, SessionGuard, type DashboardSession } from './session.guard';
import { SessionStore } from './session.store';
import { PlatewiseErrors, RouteDoc } from '../../openapi/route-doc';
import { EXAMPLES } from '../../openapi/examples';

/**
 * Dashboard sign-in and sign-out. Sign-in takes JSON only and refuses other sites' origins, so no
 * HTML form elsewhere can sign a browser in to someone else's account.
 */
@Controller('account')
export class SessionController {
  constructor(
    private readonly config: AppConfig,
    private readonly passwords: PasswordsService,
    private readonly accounts: AccountsService,
    private readonly sessions: SessionStore,
    private readonly throttle: LoginThrottle,
  ) {}

  @RouteDoc({
    summary: 'Sign in to the dashboard (sets the session cookie)',
    auth: 'none',
    internal: true,
    request: { username: 'acme', password: 'correct horse battery staple' },
    ok: { status: 201, schema: 'SessionInfo', example: EXAMPLES.session },
  })
  @PlatewiseErrors(400, 401, 403, 415, 429)
  @Post('session')
  @HttpCode(201)
  async signIn(
    @Body() body: SignInDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    this.refuseForeignForms(req);
    const ip = req.ip ?? 'unknown';
    await this.throttle.take(body.username, ip);
    const account = await this.passwords.verify(body.username, body.password);
    if (!account) throw new UnauthorizedException('Wrong username or password.');
    await this.throttle.succeeded(body.username, ip);
    return this.startSession(account.accountId, req, res);
  }

  /** Whether the sign-in page offers sign-up. */
  @RouteDoc({
    summary: 'Whether self-service sign-up is open',
    auth: 'none',
    internal: true,
    ok: { status: 200, schema: 'SignupOpen', example: { open: false } },
  })
  @Get('signup')
  signUpOpen() {
    return { open: this.config.SIGNUP === 'open' };
  }

  /** Self-service sign-up on the trial plan, when the operator set SIGNUP=open. */
  @RouteDoc({
    summary: 'Sign up on the trial plan (SIGNUP=open) and sign in',
    auth: 'none',
    internal: true,
    request: {
      username: 'acme',
      password: 'correct horse battery staple',
      firstName: 'Ada',
      lastName: 'Lovelace',
    },
    ok: { status: 201, schema: 'SessionInfo', example: EXAMPLES.session },
  })
  @PlatewiseErrors(400, 403, 409, 415, 429)
  @Post('signup')
  @HttpCode(201)
  async signUp(
    @Body() body: SignUpDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    this.refuseForeignForms(req);
    if (this.config.SIGNUP !== 'open')
      throw new ForbiddenException('Sign-up is closed: ask the operator for an account.');
    if (!/^[a-zA-Z0-9_.-]{3,64}$/.test(body.username)) {
      throw new BadRequestException('username must be 3-64 letters, digits, "_", "." or "-"');
    }
    const problem = passwordProblem(body.password);
    if (problem) throw new BadRequestException(problem);
    const { account } = await this.accounts.create({ ...body, plan: 'trial' });
    await this.passwords.set(account.id, body.password);
    return this.startSession(account.id, req, res);
  }

  /** Who is signed in, and the CSRF token the page sends back on every change. */
  @RouteDoc({
    summary: 'The signed-in account and its CSRF token',
    auth: 'session',
    internal: true,
    ok: { status: 200, schema: 'SessionInfo', example: EXAMPLES.session },
  })
  @PlatewiseErrors(401)
  @Get('session')
  @UseGuards(SessionGuard)
  current(@CurrentSession() session: DashboardSession) {
    return this.view(session.accountId, session.username, session.operator, session.csrf);
  }

  /** Ends this session (or, with `everywhere`, all of the account's) in Redis and clears the cookie. */
  @RouteDoc({
    summary: 'Sign out (this browser, or everywhere)',
    auth: 'session',
    internal: true,
    request: { everywhere: false },
    ok: { status: 204 },
  })
  @PlatewiseErrors(401, 403)
  @Post('session/end')
  @HttpCode(204)
  @UseGuards(SessionGuard)
  async signOut(
    @Body() body: SignOutDto,
    @CurrentSession() session: DashboardSession,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    if (body.everywhere) await this.sessions.endAll(session.accountId);
    else await this.sessions.end(session.id, session.accountId);
    clearSessionCookie(res, secureCookies(req, this.config.PUBLIC_URL));
  }

  private async startSession(accountId: string, req: Request, res: Response) {
    const { id, session } = await this.sessions.create(accountId);
    setSessionCookie(
      res,
      id,
      this.config.SESSION_TTL_S,
      secureCookies(req, this.config.PUBLIC_URL),
    );
    const account = (await this.passwords.signedIn(accountId))!;
    return this.view(accountId, account.username, account.operator, session.csrf);
  }

  private view(accountId: string, username: string, operator: boolean, csrf: string) {
    return {
      account: { id: accountId, username, operator },
      csrf,
      signup: this.config.SIGNUP === 'open',
    };
  }

  private refuseForeignForms(req: Request): void {
    if (!req.is('application/json'))
      throw new UnsupportedMediaTypeException('Send the sign-in as JSON.');
    if (isCrossSite(req)) throw new ForbiddenException('Cross-site request refused.');
  }
}
