"""What a person reads when something goes wrong: an error's `code` (and `params`) → one
translated sentence, from this one catalog.

The core's and the devices' own messages are for logs and the CLI; a screen shows only these,
so a clerk or a citizen never reads English or a traceback. An unknown code gets a generic
sentence that names the code (for the hall's IT). tests/ui/test_messages.py fails when the core
raises a code this catalog lacks.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication

CONTEXT = "messages"


def QT_TRANSLATE_NOOP(context: str, source: str) -> str:
    """Marks `source` for pyside6-lupdate (which looks for this name) and returns it; typed as
    str, unlike PySide6's own, so the catalog below is a dict of str."""
    return source


GENERIC = QT_TRANSLATE_NOOP("messages", "This could not be done (error code {code}). "
                                        "Please ask the hall staff for help.")

# code → sentence. Written for the person in front of the screen: what happened, what to do.
CATALOG: dict[str, str] = {
    # the shell itself
    "internal": QT_TRANSLATE_NOOP("messages", "Something went wrong inside the program. "
                                              "Please try again or ask the hall staff."),
    "shutting_down": QT_TRANSLATE_NOOP("messages", "The program is shutting down; "
                                                   "this was not done."),
    # one hall, set up once: opening hours, hall accounts, hall settings
    "hall_closed": QT_TRANSLATE_NOOP("messages", "The hall is closed now. Please come back "
                                                 "during opening hours."),
    "account_disabled": QT_TRANSLATE_NOOP("messages", "This account is disabled. Please ask "
                                                      "the hall administrator."),
    "bad_setting": QT_TRANSLATE_NOOP("messages", "A hall setting has a wrong value."),
    "department_required": QT_TRANSLATE_NOOP("messages", "A department account needs its "
                                                         "department, and only it has one."),
    "disable_self": QT_TRANSLATE_NOOP("messages", "You cannot disable your own account."),
    "settings_key_changed": QT_TRANSLATE_NOOP("messages", "The hall server's signing key has "
                                                          "changed. Please ask the hall IT staff "
                                                          "to enroll this terminal again."),
    "error": QT_TRANSLATE_NOOP("messages", "This could not be done. Please try again."),
    # queue and tickets
    "refused": QT_TRANSLATE_NOOP("messages", "This is not possible right now."),
    "unknown_service": QT_TRANSLATE_NOOP("messages", "This service is not offered here."),
    "unknown_priority": QT_TRANSLATE_NOOP("messages", "This priority is not known."),
    "appointment_slot": QT_TRANSLATE_NOOP("messages", "An appointment ticket needs the time "
                                                      "of the appointment."),
    "nothing_waiting": QT_TRANSLATE_NOOP("messages", "Nobody is waiting for this window."),
    "no_window": QT_TRANSLATE_NOOP("messages", "This ticket has no window to go back to. "
                                               "Choose a window."),
    "transfer_target": QT_TRANSLATE_NOOP("messages", "Choose a service or a window to "
                                                     "transfer to."),
    "window_busy": QT_TRANSLATE_NOOP("messages", "This window is still serving a ticket. "
                                                 "Finish, park or transfer it first."),
    "bad_holder": QT_TRANSLATE_NOOP("messages", "The ticket holder could not be recorded."),
    "unknown_ticket": QT_TRANSLATE_NOOP("messages", "This ticket number was not found."),
    "illegal_transition": QT_TRANSLATE_NOOP("messages", "This step is not possible in the "
                                                        "current state."),
    "not_served": QT_TRANSLATE_NOOP("messages", "This visit has not been served yet, so it "
                                                "cannot be rated."),
    "rated": QT_TRANSLATE_NOOP("messages", "This visit has already been rated. Thank you."),
    "bad_grade": QT_TRANSLATE_NOOP("messages", "Please choose one of the five ratings."),
    # 好差评 closed (issue 27): the pad, the reasons, 差评整改
    "bad_reason": QT_TRANSLATE_NOOP("messages", "Please choose the reasons from the list."),
    "other_window": QT_TRANSLATE_NOOP("messages", "This visit was served at another window: "
                                                  "rate it on that window's pad."),
    "rating_not_askable": QT_TRANSLATE_NOOP("messages", "A rating can be asked only for the "
                                                        "ticket this window is serving."),
    "unknown_follow_up": QT_TRANSLATE_NOOP("messages", "This follow-up was not found."),
    "unknown_assignee": QT_TRANSLATE_NOOP("messages", "Assign the follow-up to an account or a "
                                                      "department of this hall."),
    "bad_revisit": QT_TRANSLATE_NOOP("messages", "The call-back result is satisfied or "
                                                 "unsatisfied."),
    "follow_up_incomplete": QT_TRANSLATE_NOOP("messages", "Record the corrective action and the "
                                                          "call-back first, then close it."),
    "follow_up_closed": QT_TRANSLATE_NOOP("messages", "This follow-up is already closed."),
    "no_part": QT_TRANSLATE_NOOP("messages", "This rating's visit has no case part to redo."),
    "text_missing": QT_TRANSLATE_NOOP("messages", "Please write what was done."),
    "text_long": QT_TRANSLATE_NOOP("messages", "The comment is too long. Please shorten it."),
    # cases (一件事 acceptance)
    "unknown_case": QT_TRANSLATE_NOOP("messages", "No case with this number was found."),
    "unknown_material": QT_TRANSLATE_NOOP("messages", "This material is not on the list of "
                                                      "this matter."),
    "material_missing": QT_TRANSLATE_NOOP("messages", "A required material is still missing."),
    "not_deferrable": QT_TRANSLATE_NOOP("messages", "This main material cannot be handed in "
                                                    "later."),
    "promise_missing": QT_TRANSLATE_NOOP("messages", "Handing in later needs a signed promise "
                                                     "and a due date."),
    "no_e_licence": QT_TRANSLATE_NOOP("messages", "No electronic licence covers this material; "
                                                  "it must be handed in."),
    "identity_unverified": QT_TRANSLATE_NOOP("messages", "Accepting a case needs a verified "
                                                         "identity: read the ID card or a "
                                                         "verified code."),
    "reason_missing": QT_TRANSLATE_NOOP("messages", "Please give at least one reason."),
    "materials_outstanding": QT_TRANSLATE_NOOP("messages", "Materials promised for later are "
                                                           "still outstanding."),
    "not_deferred": QT_TRANSLATE_NOOP("messages", "This material is not outstanding on the "
                                                  "case."),
    "no_personal_data": QT_TRANSLATE_NOOP("messages", "This case holds no personal data."),
    # accounts and access
    "access_denied": QT_TRANSLATE_NOOP("messages", "You are not allowed to do this."),
    "forbidden": QT_TRANSLATE_NOOP("messages", "You are not allowed to do this."),
    "unknown_role": QT_TRANSLATE_NOOP("messages", "This role is not known."),
    "bad_user": QT_TRANSLATE_NOOP("messages", "A user name is 1 to 32 letters or digits."),
    "first_admin": QT_TRANSLATE_NOOP("messages", "The first account must be an administrator."),
    "first_admin_on_hub": QT_TRANSLATE_NOOP("messages", "This terminal belongs to a hall with a "
                                            "hall server: the first administrator is made on "
                                            "the hall server and reaches this terminal when it "
                                            "syncs."),
    "account_not_migrated": QT_TRANSLATE_NOOP("messages", "This account was made on this "
                                              "terminal before accounts were shared by the "
                                              "hall. An administrator must move this "
                                              "terminal's accounts to the hall first."),
    "user_exists": QT_TRANSLATE_NOOP("messages", "This user name is already taken."),
    "unknown_user": QT_TRANSLATE_NOOP("messages", "This user was not found."),
    "weak_secret": QT_TRANSLATE_NOOP("messages", "This password or PIN is too simple."),
    "locked_out": QT_TRANSLATE_NOOP("messages", "Too many wrong tries. Please try again later."),
    "wrong_password": QT_TRANSLATE_NOOP("messages", "Wrong user name, password or PIN."),
    # identity codes (身份码 / 企业码)
    "code_invalid": QT_TRANSLATE_NOOP("messages", "This code cannot be used. Please show the "
                                                  "right code."),
    "code_garbage": QT_TRANSLATE_NOOP("messages", "This code cannot be read. Please show it "
                                                  "again."),
    "code_kind": QT_TRANSLATE_NOOP("messages", "This is not the right kind of code. Please show "
                                               "the right code."),
    "code_expired": QT_TRANSLATE_NOOP("messages", "This code has expired. Please refresh it and "
                                                  "show it again."),
    "code_validity": QT_TRANSLATE_NOOP("messages", "This code is not valid now. Please refresh "
                                                   "it and show it again."),
    "code_truncated": QT_TRANSLATE_NOOP("messages", "Only part of the code was read. Please "
                                                    "show it again."),
    "code_forged": QT_TRANSLATE_NOOP("messages", "This code cannot be verified. Please refresh "
                                                 "it and show it again."),
    "code_refused": QT_TRANSLATE_NOOP("messages", "The platform did not accept this code."),
    "code_oversized": QT_TRANSLATE_NOOP("messages", "This code is not recognised. Please show "
                                                    "it again."),
    "code_unknown": QT_TRANSLATE_NOOP("messages", "This kind of code is not accepted here."),
    "code_replayed": QT_TRANSLATE_NOOP("messages", "This code has already been used. Please "
                                                   "refresh it."),
    "code_resolver": QT_TRANSLATE_NOOP("messages", "Codes cannot be checked right now. Please "
                                                   "use your ID card."),
    "code_unavailable": QT_TRANSLATE_NOOP("messages", "Codes cannot be checked right now. "
                                                      "Please use your ID card."),
    # devices
    "device": QT_TRANSLATE_NOOP("messages", "A device is not working. Other ways still work."),
    "device_missing": QT_TRANSLATE_NOOP("messages", "A device is not connected. Other ways "
                                                    "still work."),
    "device_timeout": QT_TRANSLATE_NOOP("messages", "A device did not answer. Please try "
                                                    "again."),
    "device_config": QT_TRANSLATE_NOOP("messages", "The device settings of this terminal are "
                                                   "wrong. Please tell the hall staff."),
    "card_read": QT_TRANSLATE_NOOP("messages", "The card could not be read. Please place it "
                                               "again and hold it still."),
    "frame": QT_TRANSLATE_NOOP("messages", "The card could not be read. Please place it again "
                                           "and hold it still."),
    "no_card": QT_TRANSLATE_NOOP("messages", "No card found. Please place your card on the "
                                             "reader."),
    "card_blocked": QT_TRANSLATE_NOOP("messages", "This card is blocked and cannot be used."),
    "card_expired": QT_TRANSLATE_NOOP("messages", "This card has expired."),
    "no_photo_decoder": QT_TRANSLATE_NOOP("messages", "The photo on the card cannot be shown "
                                                      "on this terminal."),
    "scan": QT_TRANSLATE_NOOP("messages", "The code could not be read. Please scan it again."),
    "printer": QT_TRANSLATE_NOOP("messages", "The printer is not working. Your number is shown "
                                             "on the screen."),
    "printer_offline": QT_TRANSLATE_NOOP("messages", "The printer is not connected. Your number "
                                                     "is shown on the screen."),
    "printer_url": QT_TRANSLATE_NOOP("messages", "The printer setting of this terminal is "
                                                 "wrong. Please tell the hall staff."),
    "paper_out": QT_TRANSLATE_NOOP("messages", "The printer is out of paper. Your number is "
                                               "shown on the screen."),
    "voice_missing": QT_TRANSLATE_NOOP("messages", "Voice announcements are not available on "
                                                   "this terminal."),
    "voice_render": QT_TRANSLATE_NOOP("messages", "The announcement could not be spoken."),
    "voice_config": QT_TRANSLATE_NOOP("messages", "The voice settings of this terminal are "
                                                  "wrong. Please tell the hall staff."),
    "voice_closed": QT_TRANSLATE_NOOP("messages", "Voice announcements have stopped."),
    # store, configuration, keys
    "store": QT_TRANSLATE_NOOP("messages", "The data of this terminal cannot be read or "
                                           "written. Please tell the hall staff."),
    "store_busy": QT_TRANSLATE_NOOP("messages", "The terminal is busy. Please try again in a "
                                                "moment."),
    "disk_full": QT_TRANSLATE_NOOP("messages", "The disk of this terminal is full; nothing was "
                                               "saved. Please tell the hall staff."),
    "store_corrupt": QT_TRANSLATE_NOOP("messages", "The data of this terminal is damaged. "
                                                   "Please tell the hall staff."),
    "store_foreign": QT_TRANSLATE_NOOP("messages", "This terminal's data belongs to another "
                                                   "terminal. Please tell the hall staff."),
    "store_key": QT_TRANSLATE_NOOP("messages", "The key of this terminal's data is missing or "
                                               "wrong. Please tell the hall staff."),
    "store_plain": QT_TRANSLATE_NOOP("messages", "This terminal's data is not encrypted. "
                                                 "Please tell the hall staff."),
    "store_not_plain": QT_TRANSLATE_NOOP("messages", "This terminal's data is already "
                                                     "encrypted."),
    "rotation_busy": QT_TRANSLATE_NOOP("messages", "A key change is already running."),
    "seal": QT_TRANSLATE_NOOP("messages", "Protected personal data cannot be opened here."),
    "seal_key": QT_TRANSLATE_NOOP("messages", "This terminal lacks the key to open protected "
                                              "data."),
    "seal_invalid": QT_TRANSLATE_NOOP("messages", "Protected data is damaged or belongs to "
                                                  "another hall."),
    "catalog": QT_TRANSLATE_NOOP("messages", "The service catalog of this terminal is damaged. "
                                             "Please tell the hall staff."),
    "config": QT_TRANSLATE_NOOP("messages", "This terminal's settings are wrong. Please tell "
                                            "the hall staff."),
    "not_set_up": QT_TRANSLATE_NOOP("messages", "This terminal is not set up yet. Please tell "
                                                "the hall staff."),
    # sync and the network
    "network": QT_TRANSLATE_NOOP("messages", "The hall server cannot be reached. Work "
                                             "continues offline."),
    "auth": QT_TRANSLATE_NOOP("messages", "The hall server did not accept this terminal. "
                                          "Please tell the hall staff."),
    "unauthorized": QT_TRANSLATE_NOOP("messages", "The hall server did not accept this "
                                                  "terminal. Please tell the hall staff."),
    "not_enrolled": QT_TRANSLATE_NOOP("messages", "This terminal is not enrolled with the hall "
                                                  "server. Please tell the hall staff."),
    "stale_cursor": QT_TRANSLATE_NOOP("messages", "The terminal is catching up with the hall "
                                                  "server."),
    "protocol": QT_TRANSLATE_NOOP("messages", "The hall server gave an answer this terminal "
                                              "does not understand."),
    "insecure_transport": QT_TRANSLATE_NOOP("messages", "The connection to the hall server is "
                                                        "not secure and was refused."),
    "server_url": QT_TRANSLATE_NOOP("messages", "The hall server address is wrong. Please tell "
                                                "the hall staff."),
    "tls_ca_missing": QT_TRANSLATE_NOOP("messages", "The hall certificate is missing. Please "
                                                    "tell the hall staff."),
    "tls_config": QT_TRANSLATE_NOOP("messages", "The certificate settings are wrong. Please "
                                                "tell the hall staff."),
    "tls_ca": QT_TRANSLATE_NOOP("messages", "The hall certificate is damaged. Please tell the "
                                            "hall staff."),
    "hall_keys": QT_TRANSLATE_NOOP("messages", "The hall keys from the server are damaged. "
                                               "Please tell the hall staff."),
    # a missing, damaged or unwritable store; rebuilds refused (issue 16)
    "store_missing": QT_TRANSLATE_NOOP("messages", "The data of this terminal is missing. "
                                                   "Please tell the hall staff."),
    "store_damaged": QT_TRANSLATE_NOOP("messages", "The data of this terminal was found "
                                                   "damaged; nothing more is saved. Please tell "
                                                   "the hall staff."),
    "store_read_only": QT_TRANSLATE_NOOP("messages", "The data of this terminal cannot be "
                                                     "written. Please tell the hall staff."),
    "rebuild_damaged": QT_TRANSLATE_NOOP("messages", "The data is damaged and cannot be "
                                                     "rebuilt. Restore it from a backup."),
    "rebuild_gap": QT_TRANSLATE_NOOP("messages", "Records are missing from the log; nothing was "
                                                 "rebuilt. Restore it from a backup."),
    "rebuild_would_lose": QT_TRANSLATE_NOOP("messages", "A rebuild would lose records; nothing "
                                                        "was changed. Restore from a backup."),
    "hub_url": QT_TRANSLATE_NOOP("messages", "The hub address is not valid."),
    "hub_hall": QT_TRANSLATE_NOOP("messages", "This hub serves another hall."),
    "workers_hub": QT_TRANSLATE_NOOP("messages", "Only the central platform runs as several "
                                                 "processes; a hub runs as one."),
    "workers_sqlite": QT_TRANSLATE_NOOP("messages", "Several server processes need a PostgreSQL "
                                                    "database."),
    "backup_folder_missing": QT_TRANSLATE_NOOP("messages", "The folder for the backup does not exist (is "
                                                           "the USB stick plugged in?). Nothing was "
                                                           "written."),
    "directory_damaged": QT_TRANSLATE_NOOP("messages", "The saved list of halls and departments is damaged. "
                                                       "Fetch it again from the platform."),
    "database_unreachable": QT_TRANSLATE_NOOP("messages", "The database server does not answer. Check that "
                                                          "it is running and reachable."),
    "database_url": QT_TRANSLATE_NOOP("messages", "The database address is not one the server can use."),
    "database_open": QT_TRANSLATE_NOOP("messages", "The server's database file cannot be opened."),
    "server_running": QT_TRANSLATE_NOOP("messages", "Another server is already running on this data folder. "
                                                    "Stop it first."),
    "port_in_use": QT_TRANSLATE_NOOP("messages", "This port is already used by another program. Stop it or "
                                                 "choose another port."),
    "bad_host": QT_TRANSLATE_NOOP("messages", "This address does not belong to this computer."),
    "pool_sqlite": QT_TRANSLATE_NOOP("messages", "A connection pool size is only for a "
                                                 "PostgreSQL database."),
    "appointment_day": QT_TRANSLATE_NOOP("messages", "An appointment number is only for a time "
                                                     "of today."),
    # codes of the hall API, backups and setup
    "bad_window": QT_TRANSLATE_NOOP("messages", "A window name is 1 to 16 letters or digits."),
    "bad_days": QT_TRANSLATE_NOOP("messages", "The retention period is out of range."),
    "bad_date": QT_TRANSLATE_NOOP("messages", "A date in the checklist is not a valid date."),
    "due_past": QT_TRANSLATE_NOOP("messages", "The date to supply a deferred material is already past."),
    "slot_past": QT_TRANSLATE_NOOP("messages", "The appointment time has already passed."),
    "no_appointment": QT_TRANSLATE_NOOP("messages", "There is no appointment today for this card. Please "
                                                    "take a regular number."),
    "unknown_appointment": QT_TRANSLATE_NOOP("messages", "This appointment was not found."),
    "no_slot": QT_TRANSLATE_NOOP("messages", "There is no bookable time at that hour. Please "
                                             "choose another time."),
    "bad_slot": QT_TRANSLATE_NOOP("messages", "The appointment day or time is not valid."),
    "bad_time": QT_TRANSLATE_NOOP("messages", "The time is not valid (HH:MM)."),
    "slot_full": QT_TRANSLATE_NOOP("messages", "That time is fully booked. Please choose another "
                                               "time."),
    "already_booked": QT_TRANSLATE_NOOP("messages", "This card already holds that appointment."),
    "appointment_closed": QT_TRANSLATE_NOOP("messages", "This appointment can no longer be "
                                                        "changed."),
    "too_early": QT_TRANSLATE_NOOP("messages", "It is too early to check in. Please come back "
                                               "a little before your appointment."),
    "hub_unreachable": QT_TRANSLATE_NOOP("messages", "The hall server cannot be reached now, and "
                                                     "this terminal has no seat of its own left "
                                                     "for that time. Please try again later."),
    "hall_key_missing": QT_TRANSLATE_NOOP("messages", "This hall cannot take online bookings yet: "
                                                      "its key is not registered with the "
                                                      "platform."),
    "bad_key": QT_TRANSLATE_NOOP("messages", "The hall's public key is not valid."),
    "bad_share": QT_TRANSLATE_NOOP("messages", "A terminal's share is 0 to 20 seats a time."),
    "no_hub": QT_TRANSLATE_NOOP("messages", "Only a terminal of a hall with a hall server "
                                            "holds seats of its own."),
    # a case, the hall's peers, trust
    "ticket_has_case": QT_TRANSLATE_NOOP("messages", "This number already has a case. A second "
                                                     "matter of the same visit must be accepted "
                                                     "on purpose."),
    "peer_away": QT_TRANSLATE_NOOP("messages", "Another terminal of the hall cannot be reached."),
    "offer_cap": QT_TRANSLATE_NOOP("messages", "This window already holds calls it has not "
                                               "confirmed. Please finish them first."),
    "invalid_event": QT_TRANSLATE_NOOP("messages", "The program refused to record something "
                                                   "malformed. Please tell the hall's IT."),
    "forged_actor": QT_TRANSLATE_NOOP("messages", "This action was refused: who acts is given by "
                                                  "signing in. Please tell the hall's IT."),
    "window_not_configured": QT_TRANSLATE_NOOP("messages", "This window is not one of the "
                                                           "hall's windows. Please tell the "
                                                           "hall's IT."),
    "opening_keys_held": QT_TRANSLATE_NOOP("messages", "This terminal holds keys its role may "
                                                       "not hold. Please tell the hall's IT."),
    "no_index_key": QT_TRANSLATE_NOOP("messages", "This terminal does not read cards."),
    "backup": QT_TRANSLATE_NOOP("messages", "The backup could not be made or read."),
    "backup_nothing": QT_TRANSLATE_NOOP("messages", "There is no terminal or hub data in this folder to back "
                                                    "up."),
    "backup_damaged": QT_TRANSLATE_NOOP("messages", "The backup file is damaged or is not a backup of this "
                                                    "program."),
    "backup_key": QT_TRANSLATE_NOOP("messages", "The key of the data to back up is missing."),
    "backup_passphrase_short": QT_TRANSLATE_NOOP("messages", "The recovery passphrase is too short."),
    "backup_inside": QT_TRANSLATE_NOOP("messages", "Save the backup outside the folder it backs up."),
    "restore_target": QT_TRANSLATE_NOOP("messages", "Restore into a new, empty folder."),
    "backup_too_large": QT_TRANSLATE_NOOP("messages", "The data is too large for one backup file."),
    "backup_format": QT_TRANSLATE_NOOP("messages", "This backup was made by a newer version; restore it with "
                                                   "that version."),
    "backup_unreadable": QT_TRANSLATE_NOOP("messages", "The backup file cannot be read."),
    "backup_passphrase": QT_TRANSLATE_NOOP("messages", "Wrong recovery passphrase, or the backup file is "
                                                       "damaged. Nothing was restored."),
    "card_no_number": QT_TRANSLATE_NOOP("messages", "This card or code carries no identity number. Please "
                                                    "use another card."),
    "material_twice": QT_TRANSLATE_NOOP("messages", "A material is listed twice in the checklist."),
    "bad_outcome": QT_TRANSLATE_NOOP("messages", "A part is signed for, approved, not permitted "
                                                 "or sent back for correction."),
    "steps_pending": QT_TRANSLATE_NOOP("messages", "Some parts of this case are not decided "
                                                   "yet: it cannot be completed."),
    "correction_missing": QT_TRANSLATE_NOOP("messages", "Please write what must be corrected."),
    "no_correction": QT_TRANSLATE_NOOP("messages", "This part owes no correction."),
    "unknown_department": QT_TRANSLATE_NOOP("messages", "This department is not in the catalog."),
    "same_department": QT_TRANSLATE_NOOP("messages", "This part already belongs to that department."),
    "unknown_step": QT_TRANSLATE_NOOP("messages", "This case has no such part."),
    # cases that travel between halls (issue 24)
    "no_hall_key": QT_TRANSLATE_NOOP("messages", "The other hall's key is not known here yet: sync the "
                            "directory first. Nothing was written."),
    "handled_here": QT_TRANSLATE_NOOP("messages", "This hall cannot accept a case on its own behalf from "
                            "elsewhere: choose another hall."),
    "decided_elsewhere": QT_TRANSLATE_NOOP("messages", "This part is decided by another hall; its decision "
                            "comes back here."),
    "hall_key_changed": QT_TRANSLATE_NOOP("messages", "The directory names another key for a hall than the "
                            "one pinned: refused. Ask the platform's operator."),
    "not_travelling": QT_TRANSLATE_NOOP("messages", "This case does not travel between "
                                                     "halls that way."),
    "bad_directory": QT_TRANSLATE_NOOP("messages", "The platform sent a directory this terminal cannot "
                            "read."),
    "unknown_hall": QT_TRANSLATE_NOOP("messages", "This hall is not in the platform's directory."),
    "bad_parent": QT_TRANSLATE_NOOP("messages", "A hall's parent must be a hall of a higher level."),
    "bad_level": QT_TRANSLATE_NOOP("messages", "A hall's level is province, city, county, town or village."),
    "bad_hall_name": QT_TRANSLATE_NOOP("messages", "Please give the hall a name (at most 64 characters)."),
    "bad_seat": QT_TRANSLATE_NOOP("messages", "A department's seat is written DEPARTMENT=HALL."),
    "bad_department": QT_TRANSLATE_NOOP("messages", "This department name cannot be used."),
    "bad_hall_key": QT_TRANSLATE_NOOP("messages", "A hall's public key was not valid."),
    "directory": QT_TRANSLATE_NOOP("messages", "The platform's directory refused this change."),
    "no_pending_step": QT_TRANSLATE_NOOP("messages", "This step of the case has already been decided."),
    "step_rejected": QT_TRANSLATE_NOOP("messages", "A department did not approve its part of this case."),
    "bad_channel": QT_TRANSLATE_NOOP("messages", "A result is handed out at the window or sent by mail."),
    "tracking_missing": QT_TRANSLATE_NOOP("messages", "Sending the result by mail needs its EMS tracking "
                                                      "number."),
    "bad_material_status": QT_TRANSLATE_NOOP("messages", "Mark each material as submitted, deferred or "
                                                         "exempt."),
    "signed_out": QT_TRANSLATE_NOOP("messages", "Please sign in first."),
    "wrong_pin": QT_TRANSLATE_NOOP("messages", "Wrong technician PIN."),
    "bad_help_kind": QT_TRANSLATE_NOOP("messages", "This kind of help is not known."),
    "help_taken": QT_TRANSLATE_NOOP("messages", "A colleague has already taken this help request."),
    "unknown_help": QT_TRANSLATE_NOOP("messages", "This help request was not found."),
    "unknown_rating": QT_TRANSLATE_NOOP("messages", "This rating was not found."),
    "store_memory": QT_TRANSLATE_NOOP("messages", "This database has no file to copy."),
    "migration_failed": QT_TRANSLATE_NOOP("messages", "Updating the data to the new version failed; the old "
                                                      "data was left as it was. Please call the hall's IT."),
    "export_format": QT_TRANSLATE_NOOP("messages", "Figures are exported as CSV or XLSX."),
    "already_set_up": QT_TRANSLATE_NOOP("messages", "This data folder already belongs to another terminal."),
    "bad_day": QT_TRANSLATE_NOOP("messages", "A day is written as year-month-day, for example 2026-03-01."),
    "close_day_today": QT_TRANSLATE_NOOP("messages", "Today has not ended yet. Close it only if the hall "
                                                     "really closes early."),
    "close_day_future": QT_TRANSLATE_NOOP("messages", "A day that has not come yet cannot be closed."),
    "recovery_too_long": QT_TRANSLATE_NOOP("messages", "This terminal's backup is too old to catch up "
                                                       "with the hall server. Please restore a newer "
                                                       "backup."),
}

# Sentences that say more when the error carries `params`; used only when every {name} is
# there, else the plain sentence of CATALOG.
WITH_PARAMS: dict[str, str] = {
    "too_early": QT_TRANSLATE_NOOP("messages", "It is too early to check in. Please come back "
                                               "from {come_back_at}."),
    "ticket_has_case": QT_TRANSLATE_NOOP("messages", "This number already has case {case}. A "
                                                     "second matter of the same visit must be "
                                                     "accepted on purpose."),
    "locked_out": QT_TRANSLATE_NOOP("messages", "Too many wrong tries. Please try again in "
                                                "{seconds} seconds."),
    "nothing_waiting": QT_TRANSLATE_NOOP("messages", "Nobody is waiting for window {window}."),
    "unknown_ticket": QT_TRANSLATE_NOOP("messages", "Ticket {ticket} was not found."),
    "window_busy": QT_TRANSLATE_NOOP("messages", "Window {window} is still serving {ticket}. "
                                                 "Finish, park or transfer it first."),
    "unknown_case": QT_TRANSLATE_NOOP("messages", "No case {case} was found."),
    "material_missing": QT_TRANSLATE_NOOP("messages", "The material \u201c{material}\u201d is "
                                                      "still missing."),
    "due_past": QT_TRANSLATE_NOOP("messages", "The date to supply the deferred material "
                                              "{material} is already past."),
    "bad_date": QT_TRANSLATE_NOOP("messages", "The date given for {material} is not a valid date."),
    "bad_days": QT_TRANSLATE_NOOP("messages", "The retention period must be between 1 and {max} days."),
    "hall_closed": QT_TRANSLATE_NOOP("messages", "The hall is closed now. It opens again at "
                                                 "{opens}."),
    "bad_setting": QT_TRANSLATE_NOOP("messages", "The hall setting {key} has a wrong value."),
}


def _translate(source: str) -> str:
    return QCoreApplication.translate(CONTEXT, source)


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def text(code: str, params: Mapping[str, Any] | None = None) -> str:
    """The translated sentence for an error code."""
    if params and code in WITH_PARAMS and _fields(WITH_PARAMS[code]) <= set(params):
        return _translate(WITH_PARAMS[code]).format_map(params)
    if code in CATALOG:
        return _translate(CATALOG[code])
    return _translate(GENERIC).format(code=code)


def for_error(error: BaseException) -> str:
    """The sentence for any error a command or a device gave: by its code, never its message."""
    code = getattr(error, "code", None)
    params = getattr(error, "params", None)
    return text(code if isinstance(code, str) else "internal",
                params if isinstance(params, Mapping) else None)
