import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { EmailConfirmationsService } from '@platewise/domain';
import { PlatewiseErrors, RouteDoc } from '../openapi/route-doc';
import { ConfirmationTokenDto } from './confirmation-token.dto';

/**
 * The link in an address's confirmation e-mail opens the dashboard's confirm page
 * (/app/#/confirm-email?token=…), whose button posts the token here. No session: whoever reads
 * that mailbox confirms it, signed in or not, and the token names the account. Opening the link
 * confirms nothing by itself, so mail scanners that follow links do not confirm for the reader.
 */
@Controller('account')
export class EmailConfirmationController {
  constructor(private readonly confirmations: EmailConfirmationsService) {}

  @RouteDoc({
    summary: 'Confirm a notice address with the token of the link e-mailed to it',
    description:
      'The account that was sent the link e-mails its notices to the address from now on, and the ones held while it was unconfirmed ' +
      '(raised in the last 48 hours; `heldNotices` says how many) are e-mailed to it now, each once. A token works once, for 48 hours; ' +
      'refused with `reason` `unknown` (404: mistyped, or replaced by a newer link), `expired` or `used` (410).',
    auth: 'none',
    internal: true,
    request: { token: 'mD3yq8o0bH9S2c4vY5n7Zt1xK6wL0pQeR4uJ8aF2gTs' },
    ok: {
      status: 200,
      schema: 'ConfirmedEmail',
      example: {
        username: 'acme',
        email: 'ada@example.com',
        confirmed: '2026-12-06T09:12:03.114Z',
        heldNotices: 1,
      },
    },
  })
  @PlatewiseErrors(400, 404, 410, 415)
  @Post('confirm-email')
  @HttpCode(200)
  confirm(@Body() body: ConfirmationTokenDto) {
    return this.confirmations.confirm(body.token);
  }
}
